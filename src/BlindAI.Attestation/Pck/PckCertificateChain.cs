using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BlindAI.Attestation.Pck;

/// <summary>
/// The PCK certificate chain a quote carries (certification data type 5): the PCK leaf, the PCK Platform or
/// Processor CA and the Intel SGX Root CA, as concatenated PEM. Parsing checks the PEM framing, the base64
/// and the outer DER structure of each certificate; the <see cref="X509Certificate2"/> objects are decoded on
/// first use (decoding three certificates costs far more than parsing the rest of the quote), and a
/// certificate that cannot be decoded then raises <see cref="AttestationFormatException"/>. Nothing here is
/// trusted: the verifier builds and checks the chain against its pinned root.
/// </summary>
public sealed class PckCertificateChain
{
    private const string CertificateLabel = "CERTIFICATE";
    private const int ChainLength = 3;
    private const string CommonNameOid = "2.5.4.3";

    private readonly Lazy<X509Certificate2> _leaf;
    private readonly Lazy<X509Certificate2> _intermediate;
    private readonly Lazy<X509Certificate2> _root;
    private readonly Lazy<SgxPckExtensions> _extensions;
    private readonly Lazy<PckCaType> _caType;

    private PckCertificateChain(string pem, ReadOnlyMemory<byte> leafDer, ReadOnlyMemory<byte> intermediateDer, ReadOnlyMemory<byte> rootDer)
    {
        Pem = pem;
        LeafDer = leafDer;
        IntermediateDer = intermediateDer;
        RootDer = rootDer;
        _leaf = new Lazy<X509Certificate2>(() => Decode(LeafDer, "PCK leaf"));
        _intermediate = new Lazy<X509Certificate2>(() => Decode(IntermediateDer, "PCK CA"));
        _root = new Lazy<X509Certificate2>(() => Decode(RootDer, "root CA"));
        _extensions = new Lazy<SgxPckExtensions>(() => SgxPckExtensions.FromCertificate(Leaf));
        _caType = new Lazy<PckCaType>(() => CaTypeOf(Leaf));
    }

    /// <summary>The chain as PEM text (trailing NUL bytes removed).</summary>
    public string Pem { get; }

    /// <summary>The DER bytes of the PCK leaf certificate.</summary>
    public ReadOnlyMemory<byte> LeafDer { get; }

    /// <summary>The DER bytes of the PCK Platform or Processor CA certificate.</summary>
    public ReadOnlyMemory<byte> IntermediateDer { get; }

    /// <summary>The DER bytes of the root CA certificate as the quote carries it (never trust it: pin the Intel root).</summary>
    public ReadOnlyMemory<byte> RootDer { get; }

    /// <summary>The PCK leaf certificate.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public X509Certificate2 Leaf => _leaf.Value;

    /// <summary>The PCK Platform or Processor CA certificate.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public X509Certificate2 Intermediate => _intermediate.Value;

    /// <summary>The root CA certificate as the quote carries it.</summary>
    /// <exception cref="AttestationFormatException">The certificate cannot be decoded (reason <see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public X509Certificate2 Root => _root.Value;

    /// <summary>The Intel SGX extensions of the PCK leaf (FMSPC, PCE-ID, TCB components, ...).</summary>
    /// <exception cref="AttestationFormatException">The leaf cannot be decoded or its SGX extension is missing or malformed.</exception>
    public SgxPckExtensions Extensions => _extensions.Value;

    /// <summary>Which PCK CA issued the leaf (selects the PCK CRL: <c>ca=platform</c> or <c>ca=processor</c>).</summary>
    /// <exception cref="AttestationFormatException">The leaf cannot be decoded or its issuer is neither PCK CA (reason <see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public PckCaType CaType => _caType.Value;

    /// <summary>Reads which PCK CA issued a PCK certificate, from the common name of its issuer.</summary>
    /// <param name="pckCertificate">A PCK leaf certificate.</param>
    /// <returns><see cref="PckCaType.Platform"/> for "Intel SGX PCK Platform CA", <see cref="PckCaType.Processor"/> for "Intel SGX PCK Processor CA".</returns>
    /// <exception cref="AttestationFormatException">The issuer is neither (reason <see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public static PckCaType CaTypeOf(X509Certificate2 pckCertificate)
    {
        ArgumentNullException.ThrowIfNull(pckCertificate);
        string? commonName = null;
        foreach (X500RelativeDistinguishedName rdn in pckCertificate.IssuerName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid)
            {
                commonName = commonName is null
                    ? rdn.GetSingleElementValue()
                    : throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, "The PCK certificate's issuer has more than one common name.");
            }
        }

        return commonName switch
        {
            "Intel SGX PCK Platform CA" => PckCaType.Platform,
            "Intel SGX PCK Processor CA" => PckCaType.Processor,
            _ => throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"The PCK certificate's issuer '{commonName}' is neither the Intel SGX PCK Platform CA nor the Processor CA."),
        };
    }

    /// <summary>Parses a PCK certificate chain from PEM text: exactly three certificates, leaf first, separated only by whitespace.</summary>
    /// <param name="pem">The PEM text; trailing NUL characters are ignored.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="AttestationFormatException">The text is not three well-formed PEM certificates.</exception>
    public static PckCertificateChain Parse(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return Parse(pem, 0);
    }

    /// <summary>Reads type-5 certification data from a quote (the memory belongs to the quote's private copy).</summary>
    internal static PckCertificateChain FromCertificationData(ReadOnlyMemory<byte> data, int quoteOffset)
    {
        ReadOnlySpan<byte> span = data.Span;
        foreach (byte b in span)
        {
            if (b > 0x7f)
            {
                throw new AttestationFormatException(AttestationFormatError.InvalidPem, "The PCK certificate chain is not ASCII PEM text.", quoteOffset);
            }
        }

        return Parse(Encoding.ASCII.GetString(span), quoteOffset);
    }

    private static PckCertificateChain Parse(string text, int baseOffset)
    {
        // The quote generation library NUL-terminates the PEM text; nothing else may follow the last certificate.
        ReadOnlySpan<char> pem = text.AsSpan().TrimEnd('\0').TrimEnd();
        var ders = new byte[ChainLength][];
        int consumed = 0;
        for (int i = 0; i < ChainLength; i++)
        {
            ReadOnlySpan<char> rest = pem[consumed..];
            if (!PemEncoding.TryFind(rest, out PemFields fields))
            {
                throw new AttestationFormatException(
                    AttestationFormatError.InvalidCertificationData,
                    $"The PCK certificate chain holds {i} well-formed PEM certificate(s); it needs exactly {ChainLength} (leaf, PCK CA, root).",
                    baseOffset + consumed);
            }

            if (!rest[..fields.Location.Start].IsWhiteSpace())
            {
                throw new AttestationFormatException(AttestationFormatError.InvalidPem, "The PCK certificate chain has text between PEM blocks.", baseOffset + consumed);
            }

            if (!rest[fields.Label].SequenceEqual(CertificateLabel))
            {
                throw new AttestationFormatException(AttestationFormatError.InvalidPem, $"PEM block {i + 1} of the PCK certificate chain is '{rest[fields.Label]}', not a CERTIFICATE.", baseOffset + consumed + fields.Location.Start.Value);
            }

            byte[] der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written) || written != der.Length)
            {
                throw new AttestationFormatException(AttestationFormatError.InvalidPem, $"PEM block {i + 1} of the PCK certificate chain is not valid base64.", baseOffset + consumed + fields.Base64Data.Start.Value);
            }

            EnsureSingleDerSequence(der, i, baseOffset + consumed);
            ders[i] = der;
            consumed += fields.Location.End.Value;
        }

        if (!pem[consumed..].IsWhiteSpace())
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificationData, $"The PCK certificate chain has data after its {ChainLength} certificates.", baseOffset + consumed);
        }

        return new PckCertificateChain(pem.ToString(), ders[0], ders[1], ders[2]);
    }

    private static void EnsureSingleDerSequence(ReadOnlySpan<byte> der, int index, int offset)
    {
        bool ok = AsnDecoder.TryReadEncodedValue(der, AsnEncodingRules.DER, out Asn1Tag tag, out _, out _, out int bytesConsumed)
            && tag == Asn1Tag.Sequence
            && bytesConsumed == der.Length;
        if (!ok)
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"Certificate {index + 1} of the PCK certificate chain is not one DER SEQUENCE.", offset);
        }
    }

    private static X509Certificate2 Decode(ReadOnlyMemory<byte> der, string name)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der.Span);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"The {name} certificate cannot be decoded: {ex.Message}", innerException: ex);
        }
    }
}
