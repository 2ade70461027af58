using System.Buffers;
using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Pck;

/// <summary>
/// The PCK certificate chain a quote carries (certification data type 5): the PCK leaf, the PCK Platform or
/// Processor CA and the Intel SGX Root CA, as concatenated PEM. Parsing checks the PEM framing, decodes the
/// base64 and checks the outer DER structure of each certificate; the <see cref="X509Certificate2"/> objects are
/// decoded on first use (decoding three certificates costs far more than parsing the rest of the quote), and a
/// certificate that cannot be decoded then raises <see cref="AttestationFormatException"/>. Nothing here is
/// trusted: the verifier builds and checks the chain against its pinned root.
/// </summary>
internal sealed class PckCertificateChain
{
    private const int ChainLength = 3;
    private const int PemLineLength = 64;

    private static ReadOnlySpan<byte> BeginMarker => "-----BEGIN CERTIFICATE-----"u8;

    private static ReadOnlySpan<byte> EndMarker => "-----END CERTIFICATE-----"u8;

    private static readonly SearchValues<byte> PemWhitespace = SearchValues.Create(" \t\r\n"u8);

    private readonly ReadOnlyMemory<byte> _pemBytes;

    // Decoded on first use and published once (a racing thread may decode twice; only one result is kept).
    private string? _pem;
    private X509Certificate2? _leaf;
    private X509Certificate2? _intermediate;
    private X509Certificate2? _root;
    private ParsedCertificate? _parsedLeaf;
    private SgxPckExtensions? _extensions;
    private int _caType; // 0 until computed, else a PckCaType value (an int field cannot be read torn)

    private PckCertificateChain(ReadOnlyMemory<byte> pem, ReadOnlyMemory<byte> leafDer, ReadOnlyMemory<byte> intermediateDer, ReadOnlyMemory<byte> rootDer)
    {
        _pemBytes = pem;
        LeafDer = leafDer;
        IntermediateDer = intermediateDer;
        RootDer = rootDer;
    }

    /// <summary>The chain as PEM text (trailing NUL bytes and whitespace removed).</summary>
    public string Pem => _pem ?? Publish(ref _pem, Encoding.ASCII.GetString(_pemBytes.Span));

    /// <summary>The DER bytes of the PCK leaf certificate.</summary>
    public ReadOnlyMemory<byte> LeafDer { get; }

    /// <summary>The DER bytes of the PCK Platform or Processor CA certificate.</summary>
    public ReadOnlyMemory<byte> IntermediateDer { get; }

    /// <summary>The DER bytes of the root CA certificate as the quote carries it (never trust it: pin the Intel root).</summary>
    public ReadOnlyMemory<byte> RootDer { get; }

    /// <summary>The PCK leaf certificate.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatErrorReason.InvalidCertificate"/>).</exception>
    public X509Certificate2 Leaf => _leaf ?? Publish(ref _leaf, Decode(LeafDer, "PCK leaf"));

    /// <summary>The PCK Platform or Processor CA certificate.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatErrorReason.InvalidCertificate"/>).</exception>
    public X509Certificate2 Intermediate => _intermediate ?? Publish(ref _intermediate, Decode(IntermediateDer, "PCK CA"));

    /// <summary>The root CA certificate as the quote carries it.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatErrorReason.InvalidCertificate"/>).</exception>
    public X509Certificate2 Root => _root ?? Publish(ref _root, Decode(RootDer, "root CA"));

    /// <summary>The Intel SGX extensions of the PCK leaf (FMSPC, PCE-ID, TCB components, ...).</summary>
    /// <exception cref="AttestationFormatException">The leaf cannot be decoded or its SGX extension is missing or malformed.</exception>
    public SgxPckExtensions Extensions => _extensions ?? Publish(ref _extensions, ReadExtensions());

    /// <summary>Which PCK CA issued the leaf (selects the PCK CRL: <c>ca=platform</c> or <c>ca=processor</c>).</summary>
    /// <exception cref="AttestationFormatException">The leaf cannot be decoded or its issuer is neither PCK CA (reason <see cref="AttestationFormatErrorReason.InvalidCertificate"/>).</exception>
    public PckCaType CaType
    {
        get
        {
            int value = Volatile.Read(ref _caType);
            if (value == 0)
            {
                value = (int)PckCertificateAuthority.GetIssuerCaType(ParsedLeaf.IssuerName);
                Volatile.Write(ref _caType, value);
            }

            return (PckCaType)value;
        }
    }

    // Decoded without an X509Certificate2: on the warm verification path a platform certificate decode would cost more
    // than the two ECDSA verifications the quote itself needs.
    private ParsedCertificate ParsedLeaf => _parsedLeaf ?? Publish(ref _parsedLeaf, ParsedCertificate.FromDer(LeafDer.ToArray()));

    private SgxPckExtensions ReadExtensions() =>
        ParsedLeaf.SgxExtension is { } value
            ? SgxPckExtensions.Parse(value.Span)
            : throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"The PCK leaf certificate has no SGX extension ({SgxPckExtensions.ExtensionOid}).");

    /// <summary>Parses a PCK certificate chain from PEM text: exactly three certificates, leaf first, separated only by whitespace.</summary>
    /// <param name="pem">The PEM text; trailing NUL characters are ignored.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">The text is not three well-formed PEM certificates.</exception>
    public static PckCertificateChain Parse(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!Ascii.IsValid(pem))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "The PCK certificate chain is not ASCII PEM text.", 0);
        }

        return FromCertificationData(Encoding.ASCII.GetBytes(pem), 0);
    }

    /// <summary>
    /// Reads type-5 certification data (the memory belongs to the quote's private copy). Works on the bytes
    /// directly: the marker searches, the whitespace removal and the base64 decoding are all vectorised, which
    /// keeps quote parsing in the microseconds (string-based PEM decoding of the three certificates costs ten times more).
    /// </summary>
    internal static PckCertificateChain FromCertificationData(ReadOnlyMemory<byte> data, int baseOffset)
    {
        // The quote generation library NUL-terminates the PEM text; nothing else may follow the last certificate.
        ReadOnlySpan<byte> text = data.Span.TrimEnd((byte)0);
        text = text[..(text.LastIndexOfAnyExcept(PemWhitespace) + 1)];
        if (!Ascii.IsValid(text))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "The PCK certificate chain is not ASCII PEM text.", baseOffset);
        }

        // One buffer holds the three DER certificates; base64 never decodes to more than 3/4 of its input.
        // Every byte of it that is exposed is written by the decoder, so it need not be zeroed.
        byte[] ders = GC.AllocateUninitializedArray<byte>(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        byte[] compact = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            return Decode(data, text, ders, compact, baseOffset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compact);
        }
    }

    private static PckCertificateChain Decode(ReadOnlyMemory<byte> data, ReadOnlySpan<byte> text, byte[] ders, byte[] compact, int baseOffset)
    {
        var slices = new ReadOnlyMemory<byte>[ChainLength];
        int position = 0;
        int derLength = 0;
        for (int i = 0; i < ChainLength; i++)
        {
            position += SkipWhitespace(text[position..]);
            ReadOnlySpan<byte> rest = text[position..];
            if (rest.IsEmpty)
            {
                throw new AttestationFormatException(
                    AttestationFormatErrorReason.InvalidCertificationData,
                    $"The PCK certificate chain holds {i} PEM certificate(s); it needs exactly {ChainLength} (leaf, PCK CA, root).",
                    baseOffset + position);
            }

            if (!rest.StartsWith(BeginMarker))
            {
                string what = rest.StartsWith("-----BEGIN "u8) ? "a PEM block that is not a CERTIFICATE" : "text that is not a PEM block";
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, $"Certificate {i + 1} of the PCK certificate chain starts with {what}.", baseOffset + position);
            }

            ReadOnlySpan<byte> body = rest[BeginMarker.Length..];
            int end = body.IndexOf(EndMarker);
            if (end < 0)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, $"Certificate {i + 1} of the PCK certificate chain has no END CERTIFICATE line.", baseOffset + position);
            }

            int bodyOffset = baseOffset + position + BeginMarker.Length;
            int written = DecodeBase64(body[..end], compact, ders.AsSpan(derLength), i, bodyOffset);
            EnsureSingleDerSequence(ders.AsSpan(derLength, written), i, bodyOffset);
            slices[i] = ders.AsMemory(derLength, written);
            derLength += written;
            position += BeginMarker.Length + end + EndMarker.Length;
        }

        if (SkipWhitespace(text[position..]) != text.Length - position)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificationData, $"The PCK certificate chain has data after its {ChainLength} certificates.", baseOffset + position);
        }

        return new PckCertificateChain(data[..text.Length], slices[0], slices[1], slices[2]);
    }

    /// <summary>Removes the line breaks, then decodes; returns the number of DER bytes written.</summary>
    private static int DecodeBase64(ReadOnlySpan<byte> body, Span<byte> compact, Span<byte> destination, int index, int offset)
    {
        int length = 0;
        while (!body.IsEmpty)
        {
            // PEM writers break lines every 64 characters (RFC 7468), so try that before searching. A guess that
            // happens to include whitespace stays correct: the decoder skips whitespace itself, only more slowly.
            int run = body.Length > PemLineLength && IsPemWhitespace(body[PemLineLength]) ? PemLineLength : body.IndexOfAny(PemWhitespace);
            ReadOnlySpan<byte> chunk = run < 0 ? body : body[..run];
            chunk.CopyTo(compact[length..]);
            length += chunk.Length;
            body = body[chunk.Length..];
            while (!body.IsEmpty && IsPemWhitespace(body[0]))
            {
                body = body[1..];
            }
        }

        OperationStatus status = Base64.DecodeFromUtf8(compact[..length], destination, out int consumed, out int written);
        return status == OperationStatus.Done && consumed == length && written > 0
            ? written
            : throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, $"Certificate {index + 1} of the PCK certificate chain is not valid base64.", offset);
    }

    private static bool IsPemWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static int SkipWhitespace(ReadOnlySpan<byte> text)
    {
        int index = text.IndexOfAnyExcept(PemWhitespace);
        return index < 0 ? text.Length : index;
    }

    private static void EnsureSingleDerSequence(ReadOnlySpan<byte> der, int index, int offset)
    {
        bool ok = AsnDecoder.TryReadEncodedValue(der, AsnEncodingRules.DER, out Asn1Tag tag, out _, out _, out int bytesConsumed)
            && tag == Asn1Tag.Sequence
            && bytesConsumed == der.Length;
        if (!ok)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, $"Certificate {index + 1} of the PCK certificate chain is not one DER SEQUENCE.", offset);
        }
    }

    private static T Publish<T>(ref T? field, T value)
        where T : class
    {
        T? existing = Interlocked.CompareExchange(ref field, value, null);
        if (existing is null)
        {
            return value;
        }

        (value as IDisposable)?.Dispose();
        return existing;
    }

    private static X509Certificate2 Decode(ReadOnlyMemory<byte> der, string name)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der.Span);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, $"The {name} certificate cannot be decoded: {ex.Message}", innerException: ex);
        }
    }
}
