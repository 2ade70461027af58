using BlindAI.Attestation.Pck;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>A quote's PCK certificate chain, validated by <see cref="VerifiedCollateral.ValidatePckChain(IReadOnlyList{X509Certificate2}, DateTimeOffset)"/>.</summary>
internal sealed class VerifiedPckChain
{
    private readonly ParsedCertificate leaf;
    private readonly ParsedCertificate pckCa;

    internal VerifiedPckChain(ParsedCertificate leaf, ParsedCertificate pckCa, PckCaType caType)
    {
        this.leaf = leaf;
        this.pckCa = pckCa;
        CaType = caType;
        NotBefore = leaf.NotBefore > pckCa.NotBefore ? leaf.NotBefore : pckCa.NotBefore;
        NotAfter = leaf.NotAfter < pckCa.NotAfter ? leaf.NotAfter : pckCa.NotAfter;
    }

    /// <summary>The PCK leaf certificate (holds the SGX extensions: FMSPC, PCE-ID, TCB components); created on first use when validated from DER.</summary>
    public X509Certificate2 Leaf => leaf.Certificate;

    /// <summary>The PCK leaf certificate's DER (for reading its SGX extensions without creating an <see cref="X509Certificate2"/>).</summary>
    public ReadOnlyMemory<byte> LeafDer => leaf.Der;

    /// <summary>The PCK CA certificate that issued the leaf.</summary>
    public X509Certificate2 PckCa => pckCa.Certificate;

    /// <summary>Which PCK CA issued the leaf.</summary>
    public PckCaType CaType { get; }

    /// <summary>The latest notBefore of the leaf and the PCK CA.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>The earliest notAfter of the leaf and the PCK CA.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>
    /// Verifies an ECDSA P-256 / SHA-256 signature (64 bytes r||s) made with the PCK leaf key: the QE report signature.
    /// The imported key is kept process-wide, keyed by its exact bytes.
    /// </summary>
    /// <param name="data">The signed bytes (the 384-byte QE report).</param>
    /// <param name="signature">The 64-byte r||s signature.</param>
    /// <returns><see langword="true"/> when the signature verifies.</returns>
    public bool VerifySignature(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64
        && leaf.VerifyData(data, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    internal void EnsureValidAt(DateTimeOffset now)
    {
        CertificatePath.EnsureWithinValidity(pckCa, now, VerificationStep.PckCertificateChain, "PCK certificate");
        CertificatePath.EnsureWithinValidity(leaf, now, VerificationStep.PckCertificateChain, "PCK certificate");
    }
}
