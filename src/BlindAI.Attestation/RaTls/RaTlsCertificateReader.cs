using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.RaTls;

/// <summary>
/// Reads the evidence of an RA-TLS certificate — TCG DICE tagged evidence, legacy raw quotes (correct and Gramine's
/// mis-encoded OID) and the Intel SGX SDK form — and checks that each quote binds the certificate's public key.
/// Extensions are found by decoded OID, never by byte search. Verifying the quote itself is the DCAP verifier's job.
/// </summary>
public static class RaTlsCertificateReader
{
    /// <summary>Reads every evidence form in <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The RA-TLS certificate (only the leaf matters; validity and self-signature are not checked here).</param>
    /// <returns>The evidence found, each with its binding result.</returns>
    /// <exception cref="AttestationFormatException">The certificate or an evidence extension is malformed (for example invalid CBOR, or an evidence OID repeated).</exception>
    public static RaTlsCertificateEvidence Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] spki = ReadSubjectPublicKeyInfo(certificate.RawData);
        byte[] spkiHash = SHA256.HashData(spki);
        var evidence = ImmutableArray.CreateBuilder<RaTlsEvidence>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (X509Extension extension in certificate.Extensions)
        {
            string? oid = extension.Oid?.Value;
            RaTlsEvidenceFormat? format = oid switch
            {
                RaTlsOids.DiceTaggedEvidence => RaTlsEvidenceFormat.Dice,
                RaTlsOids.LegacySgxQuote => RaTlsEvidenceFormat.Legacy,
                RaTlsOids.GramineMisencodedLegacySgxQuote => RaTlsEvidenceFormat.GramineLegacy,
                RaTlsOids.IntelSdkQuote => RaTlsEvidenceFormat.IntelSdk,
                _ => null,
            };
            if (format is null)
            {
                continue;
            }

            if (!seen.Add(oid!))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidExtension, $"The certificate carries the evidence extension {oid} more than once.");
            }

            evidence.Add(format == RaTlsEvidenceFormat.Dice
                ? ReadDice(extension.RawData, spki)
                : ReadRawQuote(format.Value, oid!, extension.RawData, spkiHash));
        }

        return new RaTlsCertificateEvidence(spki, Measurement.FromBytes(spkiHash), evidence.ToImmutable());
    }

    /// <summary>Reads the certificate and returns the quote that binds its key (see <see cref="RaTlsCertificateEvidence.GetBoundEvidence"/>).</summary>
    /// <param name="certificate">The RA-TLS certificate.</param>
    /// <returns>The bound quote, for the DCAP verifier and the policy.</returns>
    /// <exception cref="AttestationException">No evidence, or the evidence does not bind the key.</exception>
    /// <exception cref="AttestationFormatException">The certificate or its evidence is malformed.</exception>
    public static Quote ReadBoundQuote(X509Certificate2 certificate) => Read(certificate).GetBoundQuote();

    private static RaTlsEvidence ReadRawQuote(RaTlsEvidenceFormat format, string oid, byte[] quote, byte[] spkiHash)
    {
        (Quote? parsed, AttestationFormatException? error) = TryParse(quote);
        if (format == RaTlsEvidenceFormat.IntelSdk)
        {
            return new RaTlsEvidence(format, oid, quote, parsed, error, bindingVerified: false,
                "the Intel SGX SDK raw quote is the DICE evidence's quote (report data = SHA-256 of the claims), so it does not bind the key by itself", null, null);
        }

        ReadOnlySpan<byte> reportData = QuoteReportData.Locate(quote);
        bool keyBound = CryptographicOperations.FixedTimeEquals(reportData[..32], spkiHash);
        bool tailZero = HasZeroTail(reportData);
        string detail = !keyBound
            ? $"report_data[0..32] = {Convert.ToHexStringLower(reportData[..32])}, but SHA-256(SubjectPublicKeyInfo) = {Convert.ToHexStringLower(spkiHash)}"
            : !tailZero
                ? $"report_data[32..64] = {Convert.ToHexStringLower(reportData[32..])}, but the legacy format defines it as 32 zero bytes: this quote was made for another purpose (a fresh quote ends with a client nonce)"
                : $"report_data = SHA-256(SubjectPublicKeyInfo) = {Convert.ToHexStringLower(spkiHash)}, then 32 zero bytes";
        return new RaTlsEvidence(format, oid, quote, parsed, error, keyBound && tailZero, detail, null, null);
    }

    private static RaTlsEvidence ReadDice(byte[] value, byte[] spki)
    {
        DiceEvidence dice = DiceEvidence.Parse(value);
        (Quote? parsed, AttestationFormatException? error) = TryParse(dice.Quote);
        ReadOnlySpan<byte> reportData = QuoteReportData.Locate(dice.Quote.Span);
        byte[] claimsHash = SHA256.HashData(dice.Claims.Span);
        bool bound;
        string detail;
        if (!CryptographicOperations.FixedTimeEquals(reportData[..32], claimsHash))
        {
            bound = false;
            detail = $"report_data[0..32] = {Convert.ToHexStringLower(reportData[..32])}, but SHA-256(claims) = {Convert.ToHexStringLower(claimsHash)}";
        }
        else if (!HasZeroTail(reportData))
        {
            bound = false;
            detail = $"report_data[32..64] = {Convert.ToHexStringLower(reportData[32..])}, but the evidence format defines it as 32 zero bytes after SHA-256(claims)";
        }
        else if (dice.PublicKeyHash is not { } keyHash)
        {
            bound = false;
            detail = "the claims have no \"pubkey-hash\" entry, so nothing ties the quote to this certificate's key";
        }
        else
        {
            byte[] expected = keyHash.Algorithm switch
            {
                1 => SHA256.HashData(spki),
                7 => SHA384.HashData(spki),
                8 => SHA512.HashData(spki),
                _ => [],
            };
            bound = expected.Length > 0 && CryptographicOperations.FixedTimeEquals(expected, keyHash.Value.Span);
            detail = expected.Length == 0
                ? $"pubkey-hash uses hash algorithm {keyHash.Algorithm}; only 1 (SHA-256), 7 (SHA-384) and 8 (SHA-512) are supported"
                : bound
                    ? $"report_data[0..32] = SHA-256(claims) and pubkey-hash = hash {keyHash.Algorithm} of SubjectPublicKeyInfo = {Convert.ToHexStringLower(expected)}"
                    : $"pubkey-hash = {Convert.ToHexStringLower(keyHash.Value.Span)}, but the hash of SubjectPublicKeyInfo is {Convert.ToHexStringLower(expected)}";
        }

        return new RaTlsEvidence(RaTlsEvidenceFormat.Dice, RaTlsOids.DiceTaggedEvidence, dice.Quote, parsed, error, bound, detail, dice.Claims, dice.Nonce);
    }

    /// <summary>
    /// Whether report_data[32..64] is zero, as both certificate formats define it: Gramine's attester (and every real
    /// certificate in the interoperability tests) writes a 32-byte hash followed by zeros. Gramine's own verifier
    /// compares only the first 32 bytes; this reader is stricter, so a quote made under another contract — BlindAI's
    /// fresh quotes are SHA-256(SubjectPublicKeyInfo) followed by a client's nonce — never passes as certificate evidence.
    /// </summary>
    private static bool HasZeroTail(ReadOnlySpan<byte> reportData)
    {
        Span<byte> zeros = stackalloc byte[32];
        zeros.Clear();
        return CryptographicOperations.FixedTimeEquals(reportData[32..], zeros);
    }

    private static (Quote? Quote, AttestationFormatException? Error) TryParse(ReadOnlyMemory<byte> quote)
    {
        try
        {
            return (Quote.Parse(quote.Span), null);
        }
        catch (AttestationFormatException e)
        {
            return (null, e);
        }
    }

    /// <summary>The SubjectPublicKeyInfo exactly as encoded in the certificate (not re-encoded by the platform).</summary>
    private static byte[] ReadSubjectPublicKeyInfo(byte[] certificate)
    {
        try
        {
            AsnReader tbs = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature
            tbs.ReadEncodedValue(); // issuer
            tbs.ReadEncodedValue(); // validity
            tbs.ReadEncodedValue(); // subject
            return tbs.ReadEncodedValue().ToArray();
        }
        catch (AsnContentException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, "The certificate's TBSCertificate cannot be read to its SubjectPublicKeyInfo.", innerException: e);
        }
    }
}
