using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// An X.509 certificate split once into what chain validation needs: the exact to-be-signed bytes, the signature,
/// validity, CA constraints and the P-256 public key (created once and reused, since building a key object costs more
/// than a verification).
/// </summary>
internal sealed class ParsedCertificate
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string NistP256 = "1.2.840.10045.3.1.7";

    private readonly Lazy<ECDsa?> publicKey;
    private string? derBase64;

    private ParsedCertificate(X509Certificate2 certificate, byte[] der, ReadOnlyMemory<byte> tbs, byte[] signature, string signatureAlgorithm)
    {
        Certificate = certificate;
        Der = der;
        Tbs = tbs;
        Signature = signature;
        SignatureAlgorithm = signatureAlgorithm;
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        SerialHex = CanonicalSerial(certificate.SerialNumberBytes.Span);
        foreach (var extension in certificate.Extensions)
        {
            switch (extension)
            {
                case X509BasicConstraintsExtension basic:
                    IsCertificateAuthority = basic.CertificateAuthority;
                    PathLength = basic.HasPathLengthConstraint ? basic.PathLengthConstraint : null;
                    break;
                case X509KeyUsageExtension usage:
                    KeyUsage = usage.KeyUsages;
                    break;
            }
        }

        publicKey = new Lazy<ECDsa?>(LoadP256Key, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public X509Certificate2 Certificate { get; }

    public byte[] Der { get; }

    /// <summary>The DER in base64: an exact, hashable identity for caches.</summary>
    public string DerBase64 => derBase64 ??= Convert.ToBase64String(Der);

    public ReadOnlyMemory<byte> Tbs { get; }

    /// <summary>The signature as DER ECDSA-Sig-Value.</summary>
    public byte[] Signature { get; }

    public string SignatureAlgorithm { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public bool IsCertificateAuthority { get; }

    public int? PathLength { get; }

    public X509KeyUsageFlags? KeyUsage { get; }

    /// <summary>The serial number as lower-case hex without leading zero bytes (the CRL lookup key).</summary>
    public string SerialHex { get; }

    public ReadOnlySpan<byte> SubjectName => Certificate.SubjectName.RawData;

    public ReadOnlySpan<byte> IssuerName => Certificate.IssuerName.RawData;

    /// <summary>The P-256 public key, or <see langword="null"/> when the certificate has another kind of key.</summary>
    public ECDsa? PublicKey => publicKey.Value;

    public static ParsedCertificate FromDer(byte[] der)
    {
        ReadOnlyMemory<byte> tbs;
        byte[] signature;
        string algorithm;
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var certificate = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            tbs = certificate.ReadEncodedValue();
            var algorithmIdentifier = certificate.ReadSequence();
            algorithm = algorithmIdentifier.ReadObjectIdentifier();
            signature = certificate.ReadBitString(out var unusedBits);
            certificate.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                throw new AsnContentException("The signature bit string has unused bits.");
            }
        }
        catch (AsnContentException e)
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"A certificate is not DER X.509: {e.Message}", innerException: e);
        }

        try
        {
            return new ParsedCertificate(X509CertificateLoader.LoadCertificate(der), der, tbs, signature, algorithm);
        }
        catch (CryptographicException e)
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"A certificate cannot be decoded: {e.Message}", innerException: e);
        }
    }

    /// <summary>Whether <paramref name="issuer"/>'s P-256 key made this certificate's ECDSA-SHA256 signature.</summary>
    public bool IsSignedBy(ParsedCertificate issuer) =>
        SignatureAlgorithm == EcdsaWithSha256
        && issuer.PublicKey is { } key
        && key.VerifyData(Tbs.Span, Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static string CanonicalSerial(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexStringLower(bigEndian[start..]);
    }

    private ECDsa? LoadP256Key()
    {
        var key = Certificate.GetECDsaPublicKey();
        if (key is null)
        {
            return null;
        }

        if (key.ExportParameters(false).Curve.Oid?.Value != NistP256)
        {
            key.Dispose();
            return null;
        }

        return key;
    }
}
