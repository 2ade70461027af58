using System.Buffers.Binary;
using System.Security.Cryptography;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.RaTls;

/// <summary>
/// The report data of a fresh quote, the one contract between the enclave that asks for it and the client that checks
/// it: <c>report_data = SHA-256(DER SubjectPublicKeyInfo of the RA-TLS certificate) || 32-byte client nonce</c>. The first
/// half binds the quote to the key the client attested, the second to the client's session (no replay).
/// </summary>
/// <example>
/// <code>
/// // Enclave: ask the quoting enclave for a quote over this report data.
/// byte[] reportData = QuoteReportData.ForFreshEvidence(certificate.PublicKey.ExportSubjectPublicKeyInfo(), nonce);
/// // Client: after verifying the fresh quote with AttestationVerifier.
/// QuoteReportData.EnsureFreshEvidence(freshQuote, certificate.PublicKey.ExportSubjectPublicKeyInfo(), nonce);
/// </code>
/// </example>
public static class QuoteReportData
{
    /// <summary>The length of a client nonce: 32 bytes, the second half of the report data.</summary>
    public const int NonceLength = 32;

    private const int HashLength = 32;
    private const int SgxReportDataOffset = 320;
    private const int TdReportDataOffset = 520;
    private const int ReportDataSize = 64;

    /// <summary>The report data of a fresh quote: SHA-256(<paramref name="subjectPublicKeyInfo"/>) followed by <paramref name="nonce"/>.</summary>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo of the RA-TLS certificate.</param>
    /// <param name="nonce">Exactly <see cref="NonceLength"/> bytes chosen by the client.</param>
    /// <returns>64 bytes of report data.</returns>
    /// <exception cref="ArgumentException"><paramref name="nonce"/> is not <see cref="NonceLength"/> bytes.</exception>
    public static byte[] ForFreshEvidence(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"A fresh-evidence nonce is exactly {NonceLength} bytes, not {nonce.Length}.", nameof(nonce));
        }

        byte[] reportData = new byte[ReportDataSize];
        SHA256.HashData(subjectPublicKeyInfo, reportData);
        nonce.CopyTo(reportData.AsSpan(HashLength));
        return reportData;
    }

    /// <summary>
    /// Checks that a fresh quote carries the report data of <see cref="ForFreshEvidence"/>: it binds the attested
    /// certificate's key, and this client's nonce. Verify the quote itself (DCAP and policy) as well: this only checks the binding.
    /// </summary>
    /// <param name="freshQuote">The fresh quote.</param>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo of the certificate the client attested.</param>
    /// <param name="nonce">The nonce the client sent.</param>
    /// <exception cref="AttestationException"><see cref="AttestationFailureReason.CertificateBindingMismatch"/> when the quote binds another key,
    /// <see cref="AttestationFailureReason.NonceMismatch"/> when it answers another nonce (a replay).</exception>
    public static void EnsureFreshEvidence(Quote freshQuote, ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(freshQuote);
        Span<byte> publicKeySha256 = stackalloc byte[HashLength];
        SHA256.HashData(subjectPublicKeyInfo, publicKeySha256);
        ReadOnlySpan<byte> reportData = freshQuote.ReportData.Span;
        if (!CryptographicOperations.FixedTimeEquals(reportData[..HashLength], publicKeySha256))
        {
            throw new AttestationException(
                AttestationFailureReason.CertificateBindingMismatch,
                VerificationStep.CertificateBinding,
                "The fresh quote does not bind the attested certificate's public key.",
                expected: Convert.ToHexStringLower(publicKeySha256),
                actual: Convert.ToHexStringLower(reportData[..HashLength]));
        }

        // A nonce of the wrong length cannot match: compared as is, it is reported as a mismatch, never accepted.
        if (nonce.Length != NonceLength || !CryptographicOperations.FixedTimeEquals(reportData[HashLength..], nonce))
        {
            throw new AttestationException(
                AttestationFailureReason.NonceMismatch,
                VerificationStep.Freshness,
                "The fresh quote is bound to another nonce: it was replayed, not made for this session.",
                expected: Convert.ToHexStringLower(nonce),
                actual: Convert.ToHexStringLower(reportData[HashLength..]));
        }
    }

    /// <summary>
    /// Finds a quote's report data from its header alone, so that the key binding can be checked (and reported) even when
    /// the rest of the quote is of a kind the parser does not accept (for example certification data type 3).
    /// </summary>
    internal static ReadOnlySpan<byte> Locate(ReadOnlySpan<byte> quote)
    {
        if (quote.Length < QuoteLayout.HeaderSize)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.Truncated, $"The evidence quote is {quote.Length} bytes, shorter than a quote header.", quote.Length);
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(quote);
        uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(quote[QuoteLayout.TeeTypeOffset..]);
        int offset = version switch
        {
            3 => QuoteLayout.HeaderSize + SgxReportDataOffset,
            4 when teeType == 0 => QuoteLayout.HeaderSize + SgxReportDataOffset,
            4 when teeType == 0x81 => QuoteLayout.HeaderSize + TdReportDataOffset,
            5 when quote.Length >= QuoteLayout.HeaderSize + 2 => BinaryPrimitives.ReadUInt16LittleEndian(quote[QuoteLayout.HeaderSize..]) switch
            {
                1 => QuoteLayout.HeaderSize + QuoteLayout.BodyDescriptorSize + SgxReportDataOffset,
                2 or 3 => QuoteLayout.HeaderSize + QuoteLayout.BodyDescriptorSize + TdReportDataOffset,
                _ => throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedTeeType, "The evidence quote's v5 body type is not 1, 2 or 3.", QuoteLayout.HeaderSize),
            },
            3 or 4 or 5 => throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedTeeType, $"The evidence quote's TEE type 0x{teeType:x8} is not SGX or TDX.", QuoteLayout.TeeTypeOffset),
            _ => throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedVersion, $"The evidence quote's version {version} is not 3, 4 or 5.", 0),
        };
        if (quote.Length < offset + ReportDataSize)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.Truncated, "The evidence quote ends before its report data.", quote.Length);
        }

        return quote.Slice(offset, ReportDataSize);
    }
}
