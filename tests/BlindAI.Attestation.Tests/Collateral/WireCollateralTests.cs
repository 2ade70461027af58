using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>
/// The one mapping between QuoteCollateral and the <c>GET /collateral</c> wire message round-trips Intel's real collateral
/// byte for byte (signed JSON, CRLs, chains) through the CBOR codec, and the collateral read back verifies the same.
/// </summary>
public sealed class WireCollateralTests
{
    public static TheoryData<string> Vectors => ["sgx", "tdx"];

    private static (Quote Quote, QuoteCollateral Collateral, DateTimeOffset Now) Vector(string name) => name == "sgx"
        ? (Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow)
        : (Quote.Parse(QuoteVectors.TdxV4), CollateralVectors.TdxBundle(), CollateralVectors.TdxNow);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Real_collateral_round_trips_through_the_wire_message_and_the_codec(string name)
    {
        (Quote quote, QuoteCollateral original, _) = Vector(name);

        SgxCollateral wire = original.ToSgxCollateral(quote);
        SgxCollateral decoded = MessageCodec.Default.DecodeCollateral(MessageCodec.Default.EncodeCollateral(wire));
        QuoteCollateral back = QuoteCollateral.FromSgxCollateral(decoded);

        Assert.Equal(wire, decoded);
        Assert.Equal(original.TcbInfo.RawJson.ToArray(), back.TcbInfo.RawJson.ToArray());
        Assert.Equal(original.TcbInfoSignature.ToArray(), back.TcbInfoSignature.ToArray());
        Assert.Equal(original.QeIdentity.RawJson.ToArray(), back.QeIdentity.RawJson.ToArray());
        Assert.Equal(original.QeIdentitySignature.ToArray(), back.QeIdentitySignature.ToArray());
        Assert.Equal(original.PckCrl.Der.ToArray(), back.PckCrl.Der.ToArray());
        Assert.Equal(original.RootCaCrl.Der.ToArray(), back.RootCaCrl.Der.ToArray());
        Assert.Equal(original.PckCrlIssuerChain.DerCertificates.Select(d => d.ToArray()), back.PckCrlIssuerChain.DerCertificates.Select(d => d.ToArray()));
        Assert.Equal(original.TcbInfoIssuerChain.DerCertificates.Select(d => d.ToArray()), back.TcbInfoIssuerChain.DerCertificates.Select(d => d.ToArray()));
        Assert.Equal(original.QeIdentityIssuerChain.DerCertificates.Select(d => d.ToArray()), back.QeIdentityIssuerChain.DerCertificates.Select(d => d.ToArray()));
        Assert.Equal(original.NextUpdate, back.NextUpdate);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Collateral_read_from_the_wire_verifies_the_quote_as_the_original_does(string name)
    {
        (Quote quote, QuoteCollateral original, DateTimeOffset now) = Vector(name);
        var verifier = new AttestationVerifier(AttestationPolicy.Strict.AllowUnpinnedIdentity());

        AttestationVerdict expected = verifier.Evaluate(quote, original, now);
        AttestationVerdict actual = verifier.Evaluate(quote, QuoteCollateral.FromSgxCollateral(original.ToSgxCollateral(quote)), now);

        Assert.Equal(expected.Result.TcbStatus, actual.Result.TcbStatus);
        Assert.Equal(expected.Result.QeTcbStatus, actual.Result.QeTcbStatus);
        Assert.Equal(expected.Result.AdvisoryIds, actual.Result.AdvisoryIds);
        Assert.Equal(expected.Result.CollateralExpiresAt, actual.Result.CollateralExpiresAt);
        Assert.Equal(expected.Result.TcbEvaluationDataNumber, actual.Result.TcbEvaluationDataNumber);
        Assert.Equal(expected.Result.Fmspc, actual.Result.Fmspc);
        Assert.Equal(expected.Violations, actual.Violations);
    }

    [Theory]
    [InlineData("sgx", 3u)]
    [InlineData("tdx", 4u)]
    public void The_wire_message_has_the_original_servers_shape(string name, uint version)
    {
        (Quote quote, QuoteCollateral collateral, _) = Vector(name);

        SgxCollateral wire = collateral.ToSgxCollateral(quote);

        Assert.Equal(version, wire.Version);
        Assert.StartsWith("-----BEGIN X509 CRL-----", wire.PckCrl, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN X509 CRL-----", wire.RootCaCrl, StringComparison.Ordinal);
        Assert.StartsWith("{\"tcbInfo\":{", wire.TcbInfo, StringComparison.Ordinal);
        Assert.StartsWith("{\"enclaveIdentity\":{", wire.QeIdentity, StringComparison.Ordinal);
        Assert.Equal(quote.SignatureData.PckCertificateChain.Leaf.ExportCertificatePem(), wire.PckCertificate);
        Assert.Equal(2, wire.PckSigningChain.Split("-----BEGIN CERTIFICATE-----").Length - 1);
    }

    [Fact]
    public void A_tampered_signed_document_on_the_wire_is_read_but_fails_verification()
    {
        (Quote quote, QuoteCollateral collateral, DateTimeOffset now) = Vector("sgx");
        SgxCollateral wire = collateral.ToSgxCollateral(quote);
        SgxCollateral tampered = wire with { TcbInfo = wire.TcbInfo.Replace("\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18", StringComparison.Ordinal) };
        Assert.NotEqual(wire.TcbInfo, tampered.TcbInfo);

        var error = Assert.Throws<AttestationException>(() =>
            new AttestationVerifier(AttestationPolicy.Strict.AllowUnpinnedIdentity()).Evaluate(quote, QuoteCollateral.FromSgxCollateral(tampered), now));

        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
    }
}
