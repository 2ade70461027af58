using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BlindAI.Attestation.Cryptography;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Verification;

/// <summary>
/// Verifies Intel SGX and TDX DCAP quotes against their collateral, running every check of Intel's quote
/// verification library in its order, in managed code. The result is data (TCB status, advisories, expiry);
/// whether that is acceptable is the job of an <see cref="Policy.AttestationPolicy"/>.
/// </summary>
/// <remarks>
/// Collateral that has been verified once is cached per <see cref="QuoteCollateral"/> instance for as long as it
/// stays valid, so verifying many quotes against the same collateral only costs the per-quote signatures.
/// Instances are thread-safe.
/// </remarks>
internal sealed class DcapQuoteVerifier
{
    private readonly CollateralVerifier _collateralVerifier;
    private readonly TimeProvider _timeProvider;

    private readonly ConditionalWeakTable<QuoteCollateral, VerifiedCollateral> _verified = [];

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The trust anchor and collateral rules; <see langword="null"/> for the strict defaults with the Intel SGX Root CA.</param>
    /// <param name="timeProvider">The clock used by the overloads without an explicit instant; <see langword="null"/> for the system clock.</param>
    public DcapQuoteVerifier(DcapQuoteVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? DcapQuoteVerifierOptions.Default;
        _collateralVerifier = new CollateralVerifier(Options.TrustAnchor, Options.Collateral);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The trust anchor and collateral rules in force.</summary>
    public DcapQuoteVerifierOptions Options { get; }

    /// <summary>Verifies a quote against its collateral at the current time of the verifier's <see cref="TimeProvider"/>.</summary>
    /// <param name="quote">The parsed quote.</param>
    /// <param name="collateral">The collateral for the quote's platform.</param>
    /// <returns>The verified TCB status, advisories and identity.</returns>
    /// <exception cref="AttestationException">A check failed; the exception names the step, reason and values.</exception>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral) => Verify(quote, collateral, _timeProvider.GetUtcNow());

    /// <summary>Verifies a quote against its collateral at an explicit instant.</summary>
    /// <param name="quote">The parsed quote.</param>
    /// <param name="collateral">The collateral for the quote's platform.</param>
    /// <param name="now">The instant at which certificates, CRLs and collateral must be valid.</param>
    /// <returns>The verified TCB status, advisories and identity.</returns>
    /// <exception cref="AttestationException">A check failed; the exception names the step, reason and values.</exception>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(collateral);

        // Steps 1-4: trust anchor, CRLs, TCB Info and QE Identity signatures and validity windows.
        VerifiedCollateral verified = GetVerifiedCollateral(collateral, now);
        verified.EnsureFor(TcbInfoIds.For(quote.TeeType));

        QuoteSignatureData signature = quote.SignatureData;
        PckCertificateChain pckChain = signature.PckCertificateChain;

        // Step 5: PCK chain to the anchor, not revoked by the PCK CRL of its issuing CA.
        VerifiedPckChain pck = verified.ValidatePckChain([pckChain.LeafDer, pckChain.IntermediateDer, pckChain.RootDer], now);

        // Step 6: the QE report is signed by the PCK key.
        if (!pck.VerifySignature(signature.QeReport.Raw.Span, signature.QeReportSignature.Raw.Span))
        {
            throw new AttestationException(
                AttestationFailureReason.InvalidQeReportSignature,
                VerificationStep.QeReportSignature,
                "The QE report signature does not verify with the PCK certificate's key.");
        }

        // Step 7: the QE report data binds the attestation key and the QE authentication data.
        VerifyQeReportData(signature);

        // Step 8: the quoting enclave is Intel's, and its TCB level.
        TcbEvaluator.Outcome qe = VerifyQeIdentity(signature.QeReport, verified.QeIdentity);

        // Step 9 (Intel: part of TCB Info matching): the PCK certificate's platform is the TCB Info's platform.
        SgxPckExtensions extensions = pckChain.Extensions;
        TcbInfo tcbInfo = verified.TcbInfo;
        verified.EnsurePlatform(extensions.Fmspc.Span, extensions.PceId.Span);

        // Steps 10-13: platform TCB level, TDX module, convergence with the QE.
        TcbEvaluator.Outcome platform = TcbEvaluator.EvaluatePlatform(tcbInfo, extensions.Tcb, quote.TdReport);
        TcbStatus status = platform.Status;
        ImmutableArray<string> advisories = platform.AdvisoryIds.IsDefault ? [] : platform.AdvisoryIds;
        if (quote.TdReport is { } tdReport && TcbEvaluator.EvaluateTdxModule(tcbInfo, tdReport) is { } module)
        {
            status = TcbEvaluator.Converge(status, module.Status);
            advisories = Union(advisories, module.AdvisoryIds);
        }

        status = TcbEvaluator.Converge(status, qe.Status);
        advisories = Union(advisories, qe.AdvisoryIds);

        // Last: the quote itself is signed by the attestation key the QE vouched for.
        VerifyQuoteSignature(quote);

        DateTimeOffset expiresAt = verified.ExpiresAt < pck.NotAfter ? verified.ExpiresAt : pck.NotAfter;
        return new QuoteVerificationResult
        {
            Quote = quote,
            TcbStatus = status,
            QeTcbStatus = qe.Status,
            AdvisoryIds = advisories,
            CollateralExpiresAt = expiresAt,
            TcbEvaluationDataNumber = Math.Min(tcbInfo.TcbEvaluationDataNumber, verified.QeIdentity.TcbEvaluationDataNumber),
            Fmspc = extensions.Fmspc,
            VerifiedAt = now,
        };
    }

    private VerifiedCollateral GetVerifiedCollateral(QuoteCollateral collateral, DateTimeOffset now)
    {
        if (_verified.TryGetValue(collateral, out VerifiedCollateral? cached) && cached.IsValidAt(now))
        {
            return cached;
        }

        VerifiedCollateral verified = _collateralVerifier.Verify(collateral, now);
        _verified.AddOrUpdate(collateral, verified);
        return verified;
    }

    private static void VerifyQeReportData(QuoteSignatureData signature)
    {
        Span<byte> expected = stackalloc byte[64];
        expected.Clear();
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            hash.AppendData(signature.AttestationKey.Raw.Span);
            hash.AppendData(signature.QeAuthenticationData.Data.Span);
            hash.GetHashAndReset(expected[..32]);
        }

        ReadOnlySpan<byte> actual = signature.QeReport.ReportData.Span;
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw new AttestationException(
                AttestationFailureReason.QeReportDataMismatch,
                VerificationStep.QeReportData,
                "The QE report data is not SHA-256(attestation key || QE authentication data) followed by 32 zero bytes.",
                expected: Convert.ToHexStringLower(expected),
                actual: Convert.ToHexStringLower(actual));
        }
    }

    private static TcbEvaluator.Outcome VerifyQeIdentity(SgxReportBody qeReport, QeIdentity identity)
    {
        if (!qeReport.MrSigner.Equals(identity.MrSigner.AsSpan()))
        {
            throw QeMismatch("MRSIGNER", Convert.ToHexStringLower(identity.MrSigner.AsSpan()), qeReport.MrSigner.ToString());
        }

        if (qeReport.IsvProdId != identity.IsvProdId)
        {
            throw QeMismatch("ISVPRODID", identity.IsvProdId.ToString(System.Globalization.CultureInfo.InvariantCulture), qeReport.IsvProdId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if ((qeReport.MiscSelect & identity.MiscSelectMask) != identity.MiscSelect)
        {
            throw QeMismatch("MISCSELECT under its mask", identity.MiscSelect.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), (qeReport.MiscSelect & identity.MiscSelectMask).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        }

        ReadOnlySpan<byte> attributes = qeReport.Attributes.Span;
        if (identity.Attributes.Length != attributes.Length || identity.AttributesMask.Length != attributes.Length)
        {
            throw QeMismatch("ATTRIBUTES length", attributes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), identity.Attributes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Span<byte> masked = stackalloc byte[attributes.Length];
        for (int i = 0; i < attributes.Length; i++)
        {
            masked[i] = (byte)(attributes[i] & identity.AttributesMask[i]);
        }

        if (!masked.SequenceEqual(identity.Attributes.AsSpan()))
        {
            throw QeMismatch("ATTRIBUTES under its mask", Convert.ToHexStringLower(identity.Attributes.AsSpan()), Convert.ToHexStringLower(masked));
        }

        if (qeReport.IsDebug)
        {
            throw QeMismatch("DEBUG attribute", "not set", "set");
        }

        return TcbEvaluator.EvaluateQe(identity, qeReport.IsvSvn);
    }

    private void VerifyQuoteSignature(Quote quote)
    {
        QuoteSignatureData signature = quote.SignatureData;
        bool valid;
        try
        {
            // A platform's QE reuses its attestation key: the imported key is kept process-wide (P256PublicKeys).
            valid = P256PublicKeys.VerifyData(signature.AttestationKey.Raw.Span, quote.SignedRegion.Span, signature.Signature.Raw.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception ex) when (ex is CryptographicException or AttestationFormatException)
        {
            throw new AttestationException(
                AttestationFailureReason.InvalidQuoteSignature,
                VerificationStep.QuoteSignature,
                "The attestation key in the quote is not a valid P-256 point.",
                innerException: ex);
        }

        if (!valid)
        {
            throw new AttestationException(
                AttestationFailureReason.InvalidQuoteSignature,
                VerificationStep.QuoteSignature,
                "The quote signature does not verify with the attestation key.");
        }
    }

    private static AttestationException QeMismatch(string field, string expected, string actual) =>
        new(AttestationFailureReason.QeIdentityMismatch, VerificationStep.QeIdentity, $"The quoting enclave's {field} does not match the QE Identity.", expected, actual);

    private static ImmutableArray<string> Union(ImmutableArray<string> first, ImmutableArray<string> second) =>
        second.IsDefaultOrEmpty ? first : [.. first.Union(second, StringComparer.Ordinal)];
}
