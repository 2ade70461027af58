using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// An issuer certificate chain as collateral carries it: the signing certificate first, then its issuers, usually
/// ending with a root. A root that arrives in a chain is never trusted by itself: verification compares it with the
/// <see cref="TrustAnchor"/>.
/// </summary>
internal sealed class CertificateChain
{
    private const int MaxCertificates = 8;

    private readonly Lazy<ImmutableArray<X509Certificate2>> certificates;

    private CertificateChain(ImmutableArray<ParsedCertificate> parsed)
    {
        Parsed = parsed;
        certificates = new(() => [.. parsed.Select(p => p.Certificate)], LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The certificates, signing certificate first (decoded into .NET objects on first use).</summary>
    /// <exception cref="AttestationFormatException">
    /// The platform's decoder refuses a certificate that the strict DER reading of <see cref="Parse(string)"/> accepted
    /// (verification never depends on these objects).
    /// </exception>
    public ImmutableArray<X509Certificate2> Certificates => certificates.Value;

    /// <summary>The number of certificates.</summary>
    public int Count => Parsed.Length;

    /// <summary>The DER encoding of each certificate, signing certificate first.</summary>
    public ImmutableArray<ReadOnlyMemory<byte>> DerCertificates => [.. Parsed.Select(p => (ReadOnlyMemory<byte>)p.Der)];

    internal ImmutableArray<ParsedCertificate> Parsed { get; }

    /// <summary>
    /// Reads a chain from concatenated PEM, or from the URL-percent-encoded PEM that Intel PCS and PCCS put in the
    /// <c>*-Issuer-Chain</c> response headers. A trailing NUL (as in quotes) is ignored.
    /// </summary>
    /// <param name="text">The PEM or percent-encoded PEM text.</param>
    /// <returns>The chain, in the order given.</returns>
    /// <exception cref="AttestationFormatException">The text holds no certificate, text outside PEM blocks, or a certificate that cannot be decoded.</exception>
    public static CertificateChain Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('%', StringComparison.Ordinal))
        {
            // Base64 never contains '%', so its presence means percent-encoding. '+' is literal here (Intel sends %2B),
            // hence Uri.UnescapeDataString and not form decoding.
            text = Uri.UnescapeDataString(text);
        }

        var remaining = text.AsSpan().TrimEnd('\0');
        var certificates = ImmutableArray.CreateBuilder<ParsedCertificate>();
        while (!remaining.IsWhiteSpace())
        {
            if (!PemEncoding.TryFind(remaining, out var fields) || !remaining[..fields.Location.Start].IsWhiteSpace())
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "A certificate chain holds text that is not a PEM block.");
            }

            if (!remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, $"A certificate chain holds a PEM block labelled '{remaining[fields.Label]}'.");
            }

            if (certificates.Count == MaxCertificates)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"A certificate chain holds more than {MaxCertificates} certificates.");
            }

            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(remaining[fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "A PEM certificate has malformed base64.");
            }

            certificates.Add(ParsedCertificate.FromDer(der));
            remaining = remaining[fields.Location.End..];
        }

        if (certificates.Count == 0)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "A certificate chain holds no certificate.");
        }

        return new CertificateChain(certificates.ToImmutable());
    }

    /// <summary>Reads a chain like <see cref="Parse(string)"/>, from UTF-8 bytes (a file).</summary>
    /// <param name="utf8Text">The UTF-8 PEM or percent-encoded PEM text.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">The text is not UTF-8 or not a PEM chain.</exception>
    public static CertificateChain Parse(ReadOnlySpan<byte> utf8Text) => Parse(CollateralText.DecodeUtf8(utf8Text, "A certificate chain"));

    /// <summary>Reads a chain, without throwing.</summary>
    /// <param name="text">The PEM or percent-encoded PEM text.</param>
    /// <param name="chain">The chain, when the text is well formed.</param>
    /// <param name="error">The reason it is not, otherwise.</param>
    /// <returns><see langword="true"/> when the text is a well-formed chain.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out CertificateChain? chain, [NotNullWhen(false)] out AttestationFormatException? error)
    {
        try
        {
            chain = Parse(text);
            error = null;
            return true;
        }
        catch (AttestationFormatException e)
        {
            chain = null;
            error = e;
            return false;
        }
    }

    /// <summary>Makes a chain from certificates already decoded (for example the PCK chain of a quote).</summary>
    /// <param name="certificates">The certificates, signing certificate first.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">The list is empty or a certificate is not DER X.509.</exception>
    public static CertificateChain FromCertificates(IEnumerable<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var parsed = certificates.Select(c => ParsedCertificate.FromDer(c.RawData, c)).ToImmutableArray();
        return parsed.IsEmpty || parsed.Length > MaxCertificates
            ? throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"A certificate chain must hold 1 to {MaxCertificates} certificates.")
            : new CertificateChain(parsed);
    }

    /// <summary>The chain as concatenated PEM, signing certificate first (the dcap-qvl bundle form).</summary>
    /// <returns>The PEM text, each block ending with a line feed.</returns>
    public string ToPem()
    {
        var builder = new StringBuilder();
        foreach (var certificate in Parsed)
        {
            builder.Append(PemEncoding.Write("CERTIFICATE", certificate.Der)).Append('\n');
        }

        return builder.ToString();
    }
}
