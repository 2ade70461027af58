using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Enclave.Simulation;

/// <summary>
/// A simulated TEE platform with a PKI shaped exactly like Intel's (root CA, PCK platform CA, PCK leaf with the SGX
/// extension, TCB signing certificate, CRLs), signed TCB Info and QE Identity, and SGX/TDX quotes made with a real
/// ECDSA attestation key. Its root says plainly that it is a BlindAI simulation root and not Intel: quotes verify only
/// when a verifier is explicitly given <see cref="RootCertificate"/> as trust anchor.
/// </summary>
/// <remarks>
/// INSECURE by design: anyone with this package mints quotes for any report data. Use it for development and tests,
/// never as evidence of anything. The private keys are saved unencrypted by <see cref="Save"/>.
/// </remarks>
/// <example>
/// <code>
/// using SimulatedTeePlatform platform = SimulatedTeePlatform.LoadOrCreate("/tmp/blindai-simulation");
/// byte[] quote = platform.CreateQuote(reportData); // 64 bytes in, an SGX v3 quote out
/// SimulatedCollateral collateral = platform.CreateCollateral();
/// File.WriteAllText("simulation-root.pem", platform.RootCertificate.ExportCertificatePem());
/// </code>
/// </example>
public sealed partial class SimulatedTeePlatform : IDisposable
{
    /// <summary>The subject of every simulation root.</summary>
    public const string RootSubject = "CN=BlindAI Simulation Root CA - NOT Intel - NOT A REAL TEE, O=BlindAI for .NET simulation, C=US";

    // Below the root, common names are Intel's own: verifiers (Intel QVL, dcap-qvl, ours) read the PCK CA type
    // (platform or processor) from the CN, so the shape must match. The organisation and the root say "simulation".

    /// <summary>The subject of the simulated PCK platform CA: Intel's CN (verifiers read the CA type from it), a simulation organisation.</summary>
    public const string PckPlatformCaSubject = "CN=Intel SGX PCK Platform CA, O=BlindAI for .NET simulation - NOT Intel, C=US";

    /// <summary>The subject of the simulated TCB signing certificate: the one a verifier given the simulation root lets sign TCB Info and QE Identity.</summary>
    public const string TcbSigningSubject = BlindAI.Attestation.Collateral.TrustAnchor.NonIntelTcbSigningSubject;

    /// <summary>The subject of the simulated PCK leaf certificate.</summary>
    public const string PckSubject = "CN=Intel SGX PCK Certificate, O=BlindAI for .NET simulation - NOT Intel, C=US";

    private readonly ECDsa _rootKey;
    private readonly ECDsa _pckCaKey;
    private readonly ECDsa _tcbSigningKey;
    private readonly ECDsa _pckKey;
    private readonly ECDsa _attestationKey;
    private readonly TimeProvider _timeProvider;

    private SimulatedTeePlatform(
        SimulatedPlatformOptions options,
        TimeProvider timeProvider,
        (ECDsa Root, ECDsa PckCa, ECDsa TcbSigning, ECDsa Pck, ECDsa Attestation) keys,
        (X509Certificate2 Root, X509Certificate2 PckCa, X509Certificate2 TcbSigning, X509Certificate2 Pck) certificates)
    {
        Options = options;
        _timeProvider = timeProvider;
        (_rootKey, _pckCaKey, _tcbSigningKey, _pckKey, _attestationKey) = keys;
        (RootCertificate, PckPlatformCaCertificate, TcbSigningCertificate, PckCertificate) = certificates;
    }

    /// <summary>The MRENCLAVE of the SGX enclave a platform made by this package imitates: what a client pins for a simulated SGX host.</summary>
    public static ReadOnlyMemory<byte> DefaultMrEnclave { get; } = new SimulatedSgxEnclave().MrEnclave;

    /// <summary>The MRTD of the TDX trust domain a platform made by this package imitates: what a client pins for a simulated TDX host.</summary>
    public static ReadOnlyMemory<byte> DefaultMrTd { get; } = new SimulatedTdIdentity().MrTd;

    /// <summary>The quote layout this platform produces unless told otherwise (SGX v3 for a new platform).</summary>
    public SimulatedQuoteFormat QuoteFormat => Options.QuoteFormat;

    /// <summary>What defines this platform.</summary>
    internal SimulatedPlatformOptions Options { get; }

    /// <summary>The simulation root CA certificate: the trust anchor a verifier must be given explicitly.</summary>
    public X509Certificate2 RootCertificate { get; }

    /// <summary>The PCK platform CA certificate (issues the PCK leaf and the PCK CRL).</summary>
    public X509Certificate2 PckPlatformCaCertificate { get; }

    /// <summary>The TCB signing certificate (signs TCB Info and QE Identity).</summary>
    public X509Certificate2 TcbSigningCertificate { get; }

    /// <summary>The PCK leaf certificate with the SGX extension (signs QE reports).</summary>
    public X509Certificate2 PckCertificate { get; }

    /// <summary>The attestation public key as a quote carries it: raw X‖Y (64 bytes).</summary>
    public ReadOnlyMemory<byte> AttestationPublicKey => RawPublicKey(_attestationKey);

    /// <summary>Creates a platform with fresh keys, imitating the default enclave and trust domain (<see cref="DefaultMrEnclave"/>, <see cref="DefaultMrTd"/>).</summary>
    /// <param name="timeProvider">The clock for certificate and collateral dates; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The platform.</returns>
    public static SimulatedTeePlatform Create(TimeProvider? timeProvider = null) => Create(new SimulatedPlatformOptions(), timeProvider);

    /// <summary>Creates a platform with fresh keys and the given definition (the default one when <see langword="null"/>).</summary>
    internal static SimulatedTeePlatform Create(SimulatedPlatformOptions? options, TimeProvider? timeProvider = null)
    {
        options ??= new SimulatedPlatformOptions();
        ValidateOptions(options);
        timeProvider ??= TimeProvider.System;
        var keys = (
            ECDsa.Create(ECCurve.NamedCurves.nistP256),
            ECDsa.Create(ECCurve.NamedCurves.nistP256),
            ECDsa.Create(ECCurve.NamedCurves.nistP256),
            ECDsa.Create(ECCurve.NamedCurves.nistP256),
            ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var certificates = IssueCertificates(options, timeProvider.GetUtcNow(), keys.Item1, keys.Item2, keys.Item3, keys.Item4);
        return new SimulatedTeePlatform(options, timeProvider, keys, certificates);
    }

    /// <summary>A copy of this platform (same keys and certificates) with other options, for example another enclave identity or platform TCB.</summary>
    /// <param name="options">The new options. The PCK certificate is re-issued when the platform TCB or PKI validity changes.</param>
    /// <returns>The new platform; dispose it separately.</returns>
    internal SimulatedTeePlatform With(SimulatedPlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        var keys = (Clone(_rootKey), Clone(_pckCaKey), Clone(_tcbSigningKey), Clone(_pckKey), Clone(_attestationKey));
        bool samePki = Equals(options.Platform, Options.Platform) && Equals(options.Pki, Options.Pki);
        var certificates = samePki
            ? (X509CertificateLoader.LoadCertificate(RootCertificate.RawData), X509CertificateLoader.LoadCertificate(PckPlatformCaCertificate.RawData), X509CertificateLoader.LoadCertificate(TcbSigningCertificate.RawData), X509CertificateLoader.LoadCertificate(PckCertificate.RawData))
            : ReissuePck(options, keys);
        return new SimulatedTeePlatform(options, _timeProvider, keys, certificates);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rootKey.Dispose();
        _pckCaKey.Dispose();
        _tcbSigningKey.Dispose();
        _pckKey.Dispose();
        _attestationKey.Dispose();
        RootCertificate.Dispose();
        PckPlatformCaCertificate.Dispose();
        TcbSigningCertificate.Dispose();
        PckCertificate.Dispose();
    }

    private (X509Certificate2, X509Certificate2, X509Certificate2, X509Certificate2) ReissuePck(
        SimulatedPlatformOptions options,
        (ECDsa Root, ECDsa PckCa, ECDsa TcbSigning, ECDsa Pck, ECDsa Attestation) keys)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        X509Certificate2 pck = IssuePck(options, now, PckPlatformCaCertificate, keys.PckCa, keys.Pck);
        return (X509CertificateLoader.LoadCertificate(RootCertificate.RawData), X509CertificateLoader.LoadCertificate(PckPlatformCaCertificate.RawData), X509CertificateLoader.LoadCertificate(TcbSigningCertificate.RawData), pck);
    }

    private static ECDsa Clone(ECDsa key)
    {
        var clone = ECDsa.Create();
        clone.ImportParameters(key.ExportParameters(includePrivateParameters: true));
        return clone;
    }

    private static byte[] RawPublicKey(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        return [.. parameters.Q.X!, .. parameters.Q.Y!];
    }

    private static void ValidateOptions(SimulatedPlatformOptions options)
    {
        SimulatedPlatformTcb tcb = options.Platform;
        RequireLength(tcb.Fmspc, 6, "Platform.Fmspc");
        RequireLength(tcb.PceId, 2, "Platform.PceId");
        RequireLength(tcb.SgxTcbComponents, 16, "Platform.SgxTcbComponents");
        RequireLength(tcb.CpuSvn, 16, "Platform.CpuSvn");
        RequireLength(tcb.TeeTcbSvn, 16, "Platform.TeeTcbSvn");
        RequireLength(tcb.MrSeam, 48, "Platform.MrSeam");
        RequireLengthOrEmpty(tcb.TeeTcbSvn2, 16, "Platform.TeeTcbSvn2");
        RequireLength(options.QuotingEnclave.MrSigner, 32, "QuotingEnclave.MrSigner");
        RequireLength(options.Enclave.MrEnclave, 32, "Enclave.MrEnclave");
        RequireLength(options.Enclave.MrSigner, 32, "Enclave.MrSigner");
        RequireLengthOrEmpty(options.Enclave.ConfigId, 64, "Enclave.ConfigId");
        RequireLength(options.TrustDomain.MrTd, 48, "TrustDomain.MrTd");
        RequireLengthOrEmpty(options.TrustDomain.MrConfigId, 48, "TrustDomain.MrConfigId");
        RequireLengthOrEmpty(options.TrustDomain.MrOwner, 48, "TrustDomain.MrOwner");
        RequireLengthOrEmpty(options.TrustDomain.MrOwnerConfig, 48, "TrustDomain.MrOwnerConfig");
        RequireLengthOrEmpty(options.TrustDomain.MrServiceTd, 48, "TrustDomain.MrServiceTd");
        if (options.TrustDomain.Rtmrs.Count != 4)
        {
            throw new ArgumentException("TrustDomain.Rtmrs must hold exactly 4 registers.", nameof(options));
        }

        foreach (ReadOnlyMemory<byte> rtmr in options.TrustDomain.Rtmrs)
        {
            RequireLengthOrEmpty(rtmr, 48, "TrustDomain.Rtmrs[i]");
        }

        if (options.QuotingEnclave.AuthenticationData.Length > ushort.MaxValue)
        {
            throw new ArgumentException("QuotingEnclave.AuthenticationData is longer than 65535 bytes.", nameof(options));
        }

        if (tcb.SgxType is < 0 or > 2)
        {
            throw new ArgumentException("Platform.SgxType must be 0, 1 or 2.", nameof(options));
        }
    }

    private static void RequireLength(ReadOnlyMemory<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes; got {value.Length}.", "options");
        }
    }

    private static void RequireLengthOrEmpty(ReadOnlyMemory<byte> value, int length, string name)
    {
        if (!value.IsEmpty)
        {
            RequireLength(value, length, name);
        }
    }
}
