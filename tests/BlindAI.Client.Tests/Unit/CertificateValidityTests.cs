using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Client.Tests.Unit;

/// <summary>The RA-TLS certificate's validity window, read from its DER and judged at the verifier's clock.</summary>
public sealed class CertificateValidityTests
{
    // Gramine's default window: 2001 is a UTCTime, and 2060 (after 2049) a GeneralizedTime (RFC 5280 4.1.2.5).
    private static readonly DateTimeOffset NotBefore = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = new(2060, 12, 31, 23, 59, 59, TimeSpan.Zero);

    private static X509Certificate2 Certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=RATLS", key, HashAlgorithmName.SHA256).CreateSelfSigned(NotBefore, NotAfter);
    }

    private static EvidenceVerifier VerifierAt(DateTimeOffset now) =>
        new(AttestationPolicy.Strict.AllowUnpinnedIdentity(), simulationRoot: null, new FakeTimeProvider(now));

    [Fact]
    public void Both_DER_time_forms_are_read_exactly_in_UTC()
    {
        using X509Certificate2 certificate = Certificate();

        (DateTimeOffset notBefore, DateTimeOffset notAfter) = CertificateValidity.Read(certificate.RawData);

        Assert.Equal(NotBefore, notBefore);
        Assert.Equal(NotAfter, notAfter);
    }

    [Fact]
    public void The_window_is_inclusive_at_both_ends_and_refused_a_second_outside()
    {
        using X509Certificate2 certificate = Certificate();

        VerifierAt(NotBefore).CheckCertificateValidity(certificate);
        VerifierAt(NotAfter).CheckCertificateValidity(certificate);
        var early = Assert.Throws<AttestationException>(() => VerifierAt(NotBefore.AddSeconds(-1)).CheckCertificateValidity(certificate));
        var late = Assert.Throws<AttestationException>(() => VerifierAt(NotAfter.AddSeconds(1)).CheckCertificateValidity(certificate));

        Assert.Equal(AttestationFailureReason.NotYetValid, early.Reason);
        Assert.Equal(AttestationFailureReason.Expired, late.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, late.Step);
        Assert.Equal("2001-01-01T00:00:00.0000000+00:00 .. 2060-12-31T23:59:59.0000000+00:00", late.Expected);
        Assert.Equal("2061-01-01T00:00:00.0000000+00:00", late.Actual);
    }
}
