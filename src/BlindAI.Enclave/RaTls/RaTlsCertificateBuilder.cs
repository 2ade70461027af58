using BlindAI.Attestation.RaTls;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Logging;
using BlindAI.Enclave.Quoting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.RaTls;

/// <summary>
/// Builds self-signed RA-TLS certificates whose key is generated in this process and bound into quotes: the TCG DICE
/// form (<c>2.23.133.5.4.9</c>, report data = SHA-256 of the claims, which hold SHA-256 of the public key) and the
/// legacy form (<c>1.2.840.113741.1337.6</c>, report data = SHA-256 of the public key). Both read by Gramine's verifier.
/// </summary>
public sealed class RaTlsCertificateBuilder
{
    private readonly IQuoteProvider _quoteProvider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the builder.</summary>
    /// <param name="quoteProvider">Where the quotes come from.</param>
    /// <param name="timeProvider">The clock for the validity window; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logger; never receives keys or report data.</param>
    public RaTlsCertificateBuilder(IQuoteProvider quoteProvider, TimeProvider? timeProvider = null, ILogger<RaTlsCertificateBuilder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(quoteProvider);
        _quoteProvider = quoteProvider;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Generates a key, gets the quotes that bind it and builds the certificate.</summary>
    /// <param name="options">Key type, names, validity and evidence forms.</param>
    /// <param name="cancellationToken">Cancels the quote requests.</param>
    /// <returns>The certificate with its private key.</returns>
    /// <exception cref="EvidenceException">A quote could not be obtained, or the evidence is larger than Gramine accepts.</exception>
    public async Task<RaTlsCertificate> BuildAsync(RaTlsCertificateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);

        (ECCurve curve, HashAlgorithmName hash) = options.KeySize switch
        {
            256 => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
            384 => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.KeySize, "RA-TLS keys are ECDSA P-256 or P-384: KeySize must be 256 or 384."),
        };

        using ECDsa key = ECDsa.Create(curve);
        byte[] publicKeyHash = SHA256.HashData(key.ExportSubjectPublicKeyInfo());

        var request = new CertificateRequest(options.SubjectName, key, hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(RaTlsCertificateOptions.BlindAIServerName);
        foreach (string name in options.AdditionalDnsNames.Where(n => n != RaTlsCertificateOptions.BlindAIServerName).Distinct(StringComparer.Ordinal))
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());

        byte[]? diceQuote = null;
        if (options.IncludeDiceEvidence)
        {
            byte[] claims = DiceEvidenceEncoder.EncodeClaims(publicKeyHash);
            diceQuote = await _quoteProvider.GetQuoteAsync(ReportData(SHA256.HashData(claims)), cancellationToken).ConfigureAwait(false);
            byte[] evidence = DiceEvidenceEncoder.EncodeEvidence(diceQuote, claims);
            request.CertificateExtensions.Add(EvidenceExtension(RaTlsOids.DiceTaggedEvidence, evidence));
        }

        byte[]? legacyQuote = null;
        if (options.IncludeLegacyEvidence)
        {
            legacyQuote = await _quoteProvider.GetQuoteAsync(ReportData(publicKeyHash), cancellationToken).ConfigureAwait(false);
            request.CertificateExtensions.Add(EvidenceExtension(RaTlsOids.LegacySgxQuote, legacyQuote));
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset notBefore = now - options.ClockSkewAllowance;
        DateTimeOffset notAfter = now + options.Validity;
        X509Certificate2 certificate = request.CreateSelfSigned(notBefore, notAfter);
        EnclaveLog.CertificateBuilt(_logger, $"ECDSA P-{options.KeySize}", diceQuote is not null, legacyQuote is not null, certificate.RawData.Length, notAfter);
        return new RaTlsCertificate(certificate, publicKeyHash, diceQuote, legacyQuote);
    }

    private static void ValidateOptions(RaTlsCertificateOptions options)
    {
        if (options.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentException("The certificate validity must be positive.", nameof(options));
        }

        if (options.ClockSkewAllowance < TimeSpan.Zero)
        {
            throw new ArgumentException("The clock skew allowance cannot be negative.", nameof(options));
        }

        if (!options.IncludeDiceEvidence && !options.IncludeLegacyEvidence)
        {
            throw new ArgumentException("An RA-TLS certificate needs at least one evidence extension.", nameof(options));
        }
    }

    private static byte[] ReportData(ReadOnlySpan<byte> hash)
    {
        // report_data = 32-byte hash followed by 32 zero bytes, as Gramine's verifier expects.
        byte[] reportData = new byte[IQuoteProvider.ReportDataLength];
        hash.CopyTo(reportData);
        return reportData;
    }

    private static X509Extension EvidenceExtension(string oid, byte[] value)
    {
        // Gramine finds the evidence by byte search and requires a two-byte long-form length (256..8192 bytes here,
        // 128 is its floor but no quote is that small) inside a non-critical extension.
        if (value.Length > RaTlsOids.GramineMaxEvidenceLength)
        {
            throw new EvidenceException(
                EnclaveErrorReason.EvidenceTooLarge,
                $"Evidence for {oid} is {value.Length} bytes; Gramine's RA-TLS verifier accepts at most {RaTlsOids.GramineMaxEvidenceLength}.");
        }

        if (value.Length < 256)
        {
            throw new EvidenceException(EnclaveErrorReason.InvalidQuote, $"Evidence for {oid} is only {value.Length} bytes: too small to be a DCAP quote.");
        }

        return new X509Extension(oid, value, critical: false);
    }
}
