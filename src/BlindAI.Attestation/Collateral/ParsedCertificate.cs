using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Cryptography;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The one DER certificate reader: an X.509 certificate decoded once with <see cref="AsnReader"/> into what chain
/// validation and the quote need: the exact to-be-signed bytes, signature, names, validity, CA constraints, the P-256
/// public point and, for a PCK certificate, the Intel SGX extension.
/// </summary>
/// <remarks>
/// No <see cref="X509Certificate2"/> is created until asked for, and public keys are imported through the process-wide
/// <see cref="P256PublicKeys"/>: with OpenSSL 3 each costs more than an ECDSA verification.
/// </remarks>
internal sealed class ParsedCertificate
{
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string NistP256 = "1.2.840.10045.3.1.7";
    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";

    private readonly Lazy<X509Certificate2> certificate;
    private readonly byte[]? publicPoint;
    private string? derBase64;

    private ParsedCertificate(byte[] der, X509Certificate2? existing, ref DecodedFields fields)
    {
        Der = der;
        Tbs = fields.Tbs;
        Signature = fields.Signature;
        SignatureAlgorithm = fields.SignatureAlgorithm;
        SerialHex = CanonicalSerial(fields.Serial.Span);
        IssuerNameBytes = fields.Issuer;
        SubjectNameBytes = fields.Subject;
        NotBefore = fields.NotBefore;
        NotAfter = fields.NotAfter;
        SubjectPublicKeyInfo = fields.SubjectPublicKeyInfo;
        HasBasicConstraints = fields.HasBasicConstraints;
        IsCertificateAuthority = fields.IsCa;
        PathLength = fields.PathLength;
        KeyUsage = fields.KeyUsage;
        publicPoint = fields.P256Point;
        SgxExtension = fields.SgxExtension;
        certificate = existing is not null
            ? new Lazy<X509Certificate2>(existing)
            : new Lazy<X509Certificate2>(() => Load(der), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The certificate as a .NET object (created on first use).</summary>
    public X509Certificate2 Certificate => certificate.Value;

    public byte[] Der { get; }

    /// <summary>The DER in base64: an exact, hashable identity for caches.</summary>
    public string DerBase64 => derBase64 ??= Convert.ToBase64String(Der);

    public ReadOnlyMemory<byte> Tbs { get; }

    /// <summary>The signature as DER ECDSA-Sig-Value.</summary>
    public byte[] Signature { get; }

    public string SignatureAlgorithm { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>Whether the certificate carries a basicConstraints extension (absent means not a CA).</summary>
    public bool HasBasicConstraints { get; }

    /// <summary>The basicConstraints cA flag; <see langword="false"/> when the extension is absent.</summary>
    public bool IsCertificateAuthority { get; }

    public int? PathLength { get; }

    public X509KeyUsageFlags? KeyUsage { get; }

    /// <summary>The serial number as lower-case hex without leading zero bytes (the CRL lookup key).</summary>
    public string SerialHex { get; }

    /// <summary>
    /// The DER SubjectPublicKeyInfo (algorithm, parameters and key): with the subject, what identifies a trust anchor
    /// (RFC 5280 6.1.1(d)).
    /// </summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    public ReadOnlyMemory<byte> SubjectNameBytes { get; }

    public ReadOnlyMemory<byte> IssuerNameBytes { get; }

    public ReadOnlySpan<byte> SubjectName => SubjectNameBytes.Span;

    public ReadOnlySpan<byte> IssuerName => IssuerNameBytes.Span;

    /// <summary>The subject for messages.</summary>
    public string Subject => NameText(SubjectNameBytes.Span);

    /// <summary>The issuer for messages.</summary>
    public string Issuer => NameText(IssuerNameBytes.Span);

    /// <summary>The value (OCTET STRING contents) of the Intel SGX extension, or <see langword="null"/> when absent.</summary>
    public ReadOnlyMemory<byte>? SgxExtension { get; }

    /// <summary>Whether the certificate holds a P-256 public key.</summary>
    public bool HasP256Key => publicPoint is not null;

    public static ParsedCertificate FromDer(byte[] der, X509Certificate2? existing = null)
    {
        try
        {
            var fields = Decode(der);
            return new ParsedCertificate(der, existing, ref fields);
        }
        catch (AsnContentException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, $"A certificate is not DER X.509: {e.Message}", innerException: e);
        }
    }

    /// <summary>Whether <paramref name="issuer"/>'s P-256 key made this certificate's ECDSA-SHA256 signature.</summary>
    public bool IsSignedBy(ParsedCertificate issuer) =>
        SignatureAlgorithm == EcdsaWithSha256
        && issuer.VerifyData(Tbs.Span, Signature, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Whether this certificate's P-256 key made the ECDSA-SHA256 <paramref name="signature"/> over <paramref name="data"/>.</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, DSASignatureFormat format) =>
        publicPoint is not null && P256PublicKeys.VerifyData(publicPoint.AsSpan(1), data, signature, format);

    public static string CanonicalSerial(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexStringLower(bigEndian[start..]);
    }

    /// <summary>A distinguished name as text for messages; hex when it cannot be decoded (messages must not throw).</summary>
    public static string NameText(ReadOnlySpan<byte> name)
    {
        try
        {
            return new X500DistinguishedName(name).Name;
        }
        catch (CryptographicException)
        {
            return "0x" + Convert.ToHexStringLower(name);
        }
    }

    public static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static X509Certificate2 Load(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, $"A certificate cannot be decoded by the platform: {e.Message}", innerException: e);
        }
    }

    private static DecodedFields Decode(byte[] der)
    {
        var fields = default(DecodedFields);
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        fields.Tbs = certificate.ReadEncodedValue();
        var outerAlgorithm = certificate.ReadEncodedValue();
        fields.SignatureAlgorithm = new AsnReader(outerAlgorithm, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        fields.Signature = certificate.ReadBitString(out var unusedBits);
        certificate.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            throw new AsnContentException("The signature bit string has unused bits.");
        }

        var tbs = new AsnReader(fields.Tbs, AsnEncodingRules.DER).ReadSequence();
        var explicitVersion = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag().HasSameClassAndValue(explicitVersion))
        {
            var version = tbs.ReadSequence(explicitVersion);
            version.ReadInteger();
            version.ThrowIfNotEmpty();
        }

        fields.Serial = tbs.ReadIntegerBytes();
        if (!tbs.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
        {
            throw new AsnContentException("The inner and outer signature algorithms differ.");
        }

        fields.Issuer = ReadName(tbs);
        var validity = tbs.ReadSequence();
        fields.NotBefore = ReadTime(validity);
        fields.NotAfter = ReadTime(validity);
        validity.ThrowIfNotEmpty();
        fields.Subject = ReadName(tbs);

        fields.SubjectPublicKeyInfo = tbs.PeekEncodedValue();
        var spki = tbs.ReadSequence();
        var keyAlgorithm = spki.ReadSequence();
        var keyAlgorithmOid = keyAlgorithm.ReadObjectIdentifier();
        var curve = keyAlgorithm.HasData && keyAlgorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? keyAlgorithm.ReadObjectIdentifier() : null;
        var point = spki.ReadBitString(out _);
        if (keyAlgorithmOid == EcPublicKey && curve == NistP256 && point.Length == 65 && point[0] == 0x04)
        {
            fields.P256Point = point;
        }

        for (var tag = 1; tag <= 2; tag++)
        {
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, tag)))
            {
                tbs.ReadEncodedValue(); // issuer/subject unique id: unused
            }
        }

        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                ReadExtension(extensions.ReadSequence(), ref fields);
            }
        }

        tbs.ThrowIfNotEmpty();
        return fields;
    }

    private static ReadOnlyMemory<byte> ReadName(AsnReader reader)
    {
        if (!reader.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            throw new AsnContentException("A name is not a SEQUENCE.");
        }

        return reader.ReadEncodedValue();
    }

    private static void ReadExtension(AsnReader extension, ref DecodedFields fields)
    {
        var oid = extension.ReadObjectIdentifier();
        var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
        var content = extension.ReadOctetString();
        var value = new AsnReader(content, AsnEncodingRules.DER);
        extension.ThrowIfNotEmpty();
        switch (oid)
        {
            case BasicConstraintsOid:
                // RFC 5280 4.2: an extension appears at most once. A second copy could say the opposite of the first
                // (CA or not), and which one a reader believes would then decide what the certificate may do.
                fields.HasBasicConstraints = !fields.HasBasicConstraints ? true : throw new AsnContentException("The basicConstraints extension appears twice.");
                var constraints = value.ReadSequence();
                fields.IsCa = constraints.HasData && constraints.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && constraints.ReadBoolean();
                if (constraints.HasData)
                {
                    fields.PathLength = constraints.TryReadInt32(out var length) && length >= 0 ? length : throw new AsnContentException("Invalid path length constraint.");
                }

                constraints.ThrowIfNotEmpty();
                break;
            case KeyUsageOid:
                if (fields.KeyUsage is not null)
                {
                    throw new AsnContentException("The keyUsage extension appears twice.");
                }

                var bits = value.ReadBitString(out _);
                fields.KeyUsage = (X509KeyUsageFlags)((bits.Length > 0 ? bits[0] : 0) | (bits.Length > 1 ? bits[1] << 8 : 0));
                break;
            case Pck.SgxPckExtensions.ExtensionOid when !critical:
                // Parsed by SgxPckExtensions when asked for; like every extension it may appear only once.
                fields.SgxExtension = fields.SgxExtension is null ? content : throw new AsnContentException($"The extension {oid} appears twice.");
                return;
            default:
                if (critical)
                {
                    // RFC 5280 4.2: a certificate with a critical extension we do not understand must be rejected.
                    throw new AsnContentException($"Unsupported critical extension {oid}.");
                }

                return;
        }

        value.ThrowIfNotEmpty();
    }

    private struct DecodedFields
    {
        public ReadOnlyMemory<byte> Tbs;
        public byte[] Signature;
        public string SignatureAlgorithm;
        public ReadOnlyMemory<byte> Serial;
        public ReadOnlyMemory<byte> Issuer;
        public ReadOnlyMemory<byte> Subject;
        public ReadOnlyMemory<byte> SubjectPublicKeyInfo;
        public DateTimeOffset NotBefore;
        public DateTimeOffset NotAfter;
        public byte[]? P256Point;
        public bool HasBasicConstraints;
        public bool IsCa;
        public int? PathLength;
        public X509KeyUsageFlags? KeyUsage;
        public ReadOnlyMemory<byte>? SgxExtension;
    }
}
