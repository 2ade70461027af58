using BlindAI.Attestation.Pck;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Collateral that <see cref="CollateralVerifier"/> found authentic and current at <see cref="VerifiedAt"/>: the checked
/// TCB Info and QE Identity, the PCK CRL's revocations and the earliest expiry of all pieces. Immutable and thread-safe;
/// cache it per FMSPC and CA type and reuse it while <see cref="IsValidAt"/> holds.
/// </summary>
internal sealed class VerifiedCollateral
{
    private const int PckChainCacheCapacity = 256;

    private readonly ParsedCertificate pckCa;
    private readonly VerifiedCertificates verifiedCertificates;
    private readonly ConcurrentDictionary<string, VerifiedPckChain> pckChains = new(StringComparer.Ordinal);

    internal VerifiedCollateral(QuoteCollateral collateral, TrustAnchor anchor, ParsedCertificate pckCa, PckCaType caType, VerifiedCertificates verifiedCertificates, DateTimeOffset verifiedAt, DateTimeOffset expiresAt)
    {
        Collateral = collateral;
        TrustAnchor = anchor;
        this.pckCa = pckCa;
        PckCaType = caType;
        this.verifiedCertificates = verifiedCertificates;
        VerifiedAt = verifiedAt;
        ExpiresAt = expiresAt;
        NotBefore = new[]
        {
            collateral.TcbInfo.IssueDate, collateral.QeIdentity.IssueDate, collateral.PckCrl.ThisUpdate, collateral.RootCaCrl.ThisUpdate,
        }
        .Concat(collateral.TcbInfoIssuerChain.Parsed.Concat(collateral.QeIdentityIssuerChain.Parsed).Concat(collateral.PckCrlIssuerChain.Parsed)
            .Where(c => !anchor.HasAnchorSubjectAndKey(c)) // a presented root stands for the anchor, whose validity applies
            .Select(c => c.NotBefore))
        .Append(anchor.Root.NotBefore)
        .Max();
    }

    /// <summary>The collateral that was verified.</summary>
    public QuoteCollateral Collateral { get; }

    /// <summary>The verified TCB Info.</summary>
    public TcbInfo TcbInfo => Collateral.TcbInfo;

    /// <summary>The verified QE Identity.</summary>
    public QeIdentity QeIdentity => Collateral.QeIdentity;

    /// <summary>The anchor everything was checked against.</summary>
    public TrustAnchor TrustAnchor { get; }

    /// <summary>The PCK CA whose CRL this collateral carries: PCK certificates from the other CA are rejected.</summary>
    public PckCaType PckCaType { get; }

    /// <summary>The serial numbers the PCK CRL revokes (lower-case hex, no leading zero bytes).</summary>
    public ImmutableArray<string> RevokedPckSerialNumbers => Collateral.PckCrl.RevokedSerialNumbers;

    /// <summary>The instant the collateral was verified at.</summary>
    public DateTimeOffset VerifiedAt { get; }

    /// <summary>The latest start of validity of all pieces (issue dates, CRL thisUpdate, certificate notBefore).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>
    /// The earliest end of validity of all pieces: the TCB Info, QE Identity and CRL <c>nextUpdate</c> and every issuer
    /// certificate's notAfter (including the anchor). A grace period from the options is not included.
    /// </summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Whether every piece is still within its validity window at <paramref name="now"/> (no grace).</summary>
    /// <param name="now">The instant.</param>
    /// <returns><see langword="true"/> when the verification result still holds at that instant.</returns>
    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= ExpiresAt;

    /// <summary>
    /// Checks that the collateral is for this kind of TEE: TCB Info id SGX with QE Identity <c>QE</c>, or TDX with
    /// <c>TD_QE</c>.
    /// </summary>
    /// <param name="teeType">The quote's TEE, as a TCB Info id.</param>
    /// <exception cref="AttestationException">The TCB Info or QE Identity is for another TEE (<see cref="AttestationFailureReason.CollateralMismatch"/>).</exception>
    public void EnsureFor(TcbInfoId teeType)
    {
        if (TcbInfo.Id != teeType)
        {
            throw new AttestationException(AttestationFailureReason.CollateralMismatch, VerificationStep.TcbInfoSignature, $"The TCB Info is for {TcbInfo.Id}, the quote is {teeType}.", expected: teeType.ToString(), actual: TcbInfo.Id.ToString());
        }

        var expectedQe = teeType == TcbInfoId.Tdx ? EnclaveIdentityId.TdQe : EnclaveIdentityId.Qe;
        if (QeIdentity.Id != expectedQe)
        {
            throw new AttestationException(AttestationFailureReason.CollateralMismatch, VerificationStep.QeIdentitySignature, $"The QE Identity is for {QeIdentity.Id}, a {teeType} quote needs {expectedQe}.", expected: expectedQe.ToString(), actual: QeIdentity.Id.ToString());
        }
    }

    /// <summary>Checks that the TCB Info is for the platform's FMSPC and PCE-ID (from its PCK certificate).</summary>
    /// <param name="fmspc">The PCK certificate's 6-byte FMSPC.</param>
    /// <param name="pceId">The PCK certificate's 2-byte PCE-ID.</param>
    /// <exception cref="AttestationException">They differ (<see cref="AttestationFailureReason.PlatformMismatch"/>, step <see cref="VerificationStep.PlatformIdentity"/>).</exception>
    public void EnsurePlatform(ReadOnlySpan<byte> fmspc, ReadOnlySpan<byte> pceId)
    {
        if (!fmspc.SequenceEqual(TcbInfo.Fmspc.AsSpan()))
        {
            throw new AttestationException(AttestationFailureReason.PlatformMismatch, VerificationStep.PlatformIdentity, "The TCB Info is for another FMSPC than the PCK certificate's.", expected: Convert.ToHexStringLower(fmspc), actual: TcbInfo.FmspcHex);
        }

        if (!pceId.SequenceEqual(TcbInfo.PceId.AsSpan()))
        {
            throw new AttestationException(AttestationFailureReason.PlatformMismatch, VerificationStep.PlatformIdentity, "The TCB Info is for another PCE-ID than the PCK certificate's.", expected: Convert.ToHexStringLower(pceId), actual: Convert.ToHexStringLower(TcbInfo.PceId.AsSpan()));
        }
    }

    /// <summary>
    /// Validates the PCK certificate chain of a quote at <paramref name="now"/>: leaf issued and signed by the PCK CA,
    /// PCK CA issued and signed by the anchor (a root sent with the quote must be the anchor itself), validity windows,
    /// the leaf not revoked by this collateral's PCK CRL (whose issuer must be the leaf's issuer) and the PCK CA not
    /// revoked by the root CA CRL. Results are cached per leaf, so repeated quotes from one platform cost no signature
    /// checks.
    /// </summary>
    /// <param name="chain">The PCK chain from the quote: leaf, PCK CA, and optionally the root.</param>
    /// <param name="now">The instant validity is checked at.</param>
    /// <returns>The validated chain, with the leaf's public key for the QE report signature.</returns>
    /// <exception cref="AttestationException">A check fails.</exception>
    /// <exception cref="AttestationFormatException">A certificate cannot be decoded.</exception>
    public VerifiedPckChain ValidatePckChain(IReadOnlyList<X509Certificate2> chain, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(chain);
        EnsureLength(chain.Count);
        var key = CacheKey(chain.Select(c => c.RawDataMemory));
        if (pckChains.TryGetValue(key, out var cached))
        {
            cached.EnsureValidAt(now);
            return cached;
        }

        return Validate(key, [.. chain.Select(c => Reuse(c.RawDataMemory.Span) ?? ParsedCertificate.FromDer(c.RawData, c))], now);
    }

    /// <summary>
    /// Validates the PCK certificate chain of a quote given as DER certificates, like
    /// <see cref="ValidatePckChain(IReadOnlyList{X509Certificate2}, DateTimeOffset)"/>. Cheaper when the quote parser
    /// has not created <see cref="X509Certificate2"/> objects (each costs about one ECDSA verification).
    /// </summary>
    /// <param name="derCertificates">The PCK chain as DER: leaf, PCK CA, and optionally the root.</param>
    /// <param name="now">The instant validity is checked at.</param>
    /// <returns>The validated chain, with the leaf's public key for the QE report signature.</returns>
    /// <exception cref="AttestationException">A check fails.</exception>
    /// <exception cref="AttestationFormatException">A certificate cannot be decoded.</exception>
    public VerifiedPckChain ValidatePckChain(IReadOnlyList<ReadOnlyMemory<byte>> derCertificates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(derCertificates);
        EnsureLength(derCertificates.Count);
        var key = CacheKey(derCertificates);
        if (pckChains.TryGetValue(key, out var cached))
        {
            cached.EnsureValidAt(now);
            return cached;
        }

        return Validate(key, [.. derCertificates.Select(d => Reuse(d.Span) ?? ParsedCertificate.FromDer(d.ToArray()))], now);
    }

    private static void EnsureLength(int count)
    {
        if (count is < 2 or > 3)
        {
            throw new AttestationException(AttestationFailureReason.InvalidCertificateChain, VerificationStep.PckCertificateChain, $"A PCK chain holds the leaf, the PCK CA and optionally the root; this one has {count} certificates.", expected: "2 or 3", actual: count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The already decoded PCK CA or anchor when the quote carries the same bytes (their keys exist already).</summary>
    private ParsedCertificate? Reuse(ReadOnlySpan<byte> der) =>
        der.SequenceEqual(pckCa.Der) ? pckCa : der.SequenceEqual(TrustAnchor.Root.Der) ? TrustAnchor.Root : null;

    private VerifiedPckChain Validate(string key, ParsedCertificate[] parsed, DateTimeOffset now)
    {
        var leaf = CertificatePath.Validate(parsed, TrustAnchor, Collateral.RootCaCrl, now, VerificationStep.PckCertificateChain, "PCK certificate", verifiedCertificates);
        if (!leaf.IssuerName.SequenceEqual(Collateral.PckCrl.Issuer.RawData))
        {
            throw new AttestationException(
                AttestationFailureReason.CollateralMismatch,
                VerificationStep.PckCrl,
                $"The PCK certificate is issued by '{leaf.Issuer}' but the PCK CRL is from '{ParsedCertificate.NameText(Collateral.PckCrl.Issuer.RawData)}': fetch the CRL for that CA.",
                expected: leaf.Issuer,
                actual: ParsedCertificate.NameText(Collateral.PckCrl.Issuer.RawData));
        }

        if (Collateral.PckCrl.IsRevoked(leaf))
        {
            throw new AttestationException(AttestationFailureReason.CertificateRevoked, VerificationStep.PckCrl, $"The PCK certificate (serial {leaf.SerialHex}) is revoked by the PCK CRL.", actual: leaf.SerialHex);
        }

        if (!leaf.HasP256Key)
        {
            throw new AttestationException(AttestationFailureReason.InvalidCertificateChain, VerificationStep.PckCertificateChain, "The PCK certificate does not hold a P-256 public key.");
        }

        var result = new VerifiedPckChain(leaf, parsed[1], PckCaType);
        if (pckChains.Count < PckChainCacheCapacity)
        {
            pckChains.TryAdd(key, result);
        }

        return result;
    }

    private static string CacheKey(IEnumerable<ReadOnlyMemory<byte>> chain)
    {
        // The whole chain as given: a cached answer is reused only for exactly the same certificates.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var certificate in chain)
        {
            sha.AppendData(certificate.Span);
            sha.AppendData([0]);
        }

        sha.GetHashAndReset(hash);
        return Convert.ToBase64String(hash);
    }
}
