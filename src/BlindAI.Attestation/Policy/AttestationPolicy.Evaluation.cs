using System.Globalization;

using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Policy;

public sealed partial record AttestationPolicy
{
    /// <summary>Checks a verification result against every rule of the policy.</summary>
    /// <param name="result">The result of a successful quote verification.</param>
    /// <returns>Every violation, with expected and actual values (hex for measurements); empty when the policy holds.</returns>
    internal IReadOnlyList<PolicyViolation> Evaluate(QuoteVerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var violations = new List<PolicyViolation>();
        EvaluateTcb(result, violations);

        Quote quote = result.Quote;
        if (quote.IsDebug && !DebugAllowed)
        {
            violations.Add(new(PolicyViolationKind.Debug, "false (a production enclave or TD)", "true"));
        }

        if (quote.SgxReport is { } sgx)
        {
            EvaluateSgxAttributes(sgx.AttributeFlags, violations);
            EvaluateSgx(sgx, violations);
            if (HasTdxRequirements)
            {
                violations.Add(new(PolicyViolationKind.TeeType, "TDX (the policy pins TDX measurements)", "SGX"));
            }
        }
        else
        {
            EvaluateTdxAttributes(quote.TdReport!, violations);
            EvaluateTdx(quote.TdReport!, violations);
            if (HasSgxRequirements)
            {
                violations.Add(new(PolicyViolationKind.TeeType, "SGX (the policy pins SGX measurements)", "TDX"));
            }
        }

        if (!UnpinnedIdentityAllowed)
        {
            // Only identities another party cannot reproduce count (see PinsIdentity).
            bool pinned = quote.TeeType == TeeType.Sgx ? PinsSgxIdentity : PinsTdxIdentity;
            if (!pinned)
            {
                string expected = quote.TeeType == TeeType.Sgx ? "a pinned MRENCLAVE, or MRSIGNER with ISVPRODID" : "a pinned MRTD";
                violations.Add(new(PolicyViolationKind.Identity, expected, $"no {Describe(quote.TeeType)} identity pinned by the policy"));
            }
        }

        return violations;
    }

    /// <summary>Checks a verification result and throws when any rule is broken.</summary>
    /// <param name="result">The result of a successful quote verification.</param>
    /// <exception cref="AttestationException">Reason <see cref="AttestationFailureReason.PolicyViolation"/>, step <see cref="VerificationStep.Policy"/>, carrying every violation.</exception>
    internal void EnsureSatisfied(QuoteVerificationResult result)
    {
        IReadOnlyList<PolicyViolation> violations = Evaluate(result);
        if (violations.Count > 0)
        {
            throw new AttestationException(
                AttestationFailureReason.PolicyViolation,
                VerificationStep.Policy,
                $"The attestation policy is not satisfied ({violations.Count} violation(s)): {string.Join("; ", violations)}.",
                violations: violations);
        }
    }

    private void EvaluateTcb(QuoteVerificationResult result, List<PolicyViolation> violations)
    {
        string accepted = string.Join(", ", AcceptedTcbStatuses.Order());
        if (!AcceptedTcbStatuses.Contains(result.TcbStatus))
        {
            violations.Add(new(PolicyViolationKind.TcbStatus, accepted, result.TcbStatus.ToString()));
        }

        if (!AcceptedTcbStatuses.Contains(result.QeTcbStatus))
        {
            violations.Add(new(PolicyViolationKind.QeTcbStatus, accepted, result.QeTcbStatus.ToString()));
        }

        string acceptedAdvisories = AcceptedAdvisoryIds.Count == 0 ? "none" : string.Join(", ", AcceptedAdvisoryIds.Order(StringComparer.OrdinalIgnoreCase));
        foreach (string advisory in result.AdvisoryIds)
        {
            if (DeniedAdvisoryIds.Contains(advisory))
            {
                // Checked first: a denied advisory is refused even when it is accepted too.
                violations.Add(new(PolicyViolationKind.AdvisoryIds, Invariant($"not {advisory} (denied by the policy, whatever it accepts)"), advisory));
            }
            else if (!AcceptedAdvisoryIds.Contains(advisory))
            {
                violations.Add(new(PolicyViolationKind.AdvisoryIds, acceptedAdvisories, advisory));
            }
        }

        if (result.TcbEvaluationDataNumber < MinimumTcbEvaluationDataNumber)
        {
            violations.Add(new(PolicyViolationKind.TcbEvaluationDataNumber, Invariant($">= {MinimumTcbEvaluationDataNumber}"), Invariant($"{result.TcbEvaluationDataNumber}")));
        }

        if (result.VerifiedAt > result.CollateralExpiresAt + CollateralGracePeriod)
        {
            violations.Add(new(
                PolicyViolationKind.CollateralExpiresAt,
                Invariant($"at or after {(result.VerifiedAt - CollateralGracePeriod).UtcDateTime:O} (verification time minus a grace period of {CollateralGracePeriod})"),
                Invariant($"{result.CollateralExpiresAt.UtcDateTime:O}")));
        }
    }

    private void EvaluateSgx(SgxReportBody report, List<PolicyViolation> violations)
    {
        if (!MrEnclaves.IsEmpty)
        {
            // Compare against every accepted value (no early exit), keeping the comparison time independent of which one matched.
            bool match = false;
            foreach (Measurement accepted in MrEnclaves)
            {
                match |= accepted == report.MrEnclave;
            }

            if (!match)
            {
                violations.Add(new(PolicyViolationKind.MrEnclave, string.Join(" | ", MrEnclaves), report.MrEnclave.ToString()));
            }
        }

        CheckMeasurement(PolicyViolationKind.MrSigner, MrSigner, report.MrSigner, violations);
        if (IsvProdId is { } prodId && report.IsvProdId != prodId)
        {
            violations.Add(new(PolicyViolationKind.IsvProdId, Invariant($"{prodId}"), Invariant($"{report.IsvProdId}")));
        }

        if (MinimumIsvSvn is { } svn && report.IsvSvn < svn)
        {
            violations.Add(new(PolicyViolationKind.IsvSvn, Invariant($">= {svn}"), Invariant($"{report.IsvSvn}")));
        }

        CheckMasked(PolicyViolationKind.SgxAttributeFlags, SgxAttributeFlags, report.AttributeFlags, violations);
        CheckMasked(PolicyViolationKind.SgxXfrm, SgxXfrm, report.Xfrm, violations);
        CheckMasked(PolicyViolationKind.MiscSelect, MiscSelect, report.MiscSelect, violations);
    }

    private void EvaluateTdx(TdReportBody report, List<PolicyViolation> violations)
    {
        CheckMeasurement(PolicyViolationKind.MrTd, MrTd, report.MrTd, violations);
        for (int i = 0; i < Rtmrs.Length; i++)
        {
            CheckMeasurement(PolicyViolationKind.Rtmr0 + i, Rtmrs[i], report.Rtmrs[i], violations);
        }

        CheckMeasurement(PolicyViolationKind.MrConfigId, MrConfigId, report.MrConfigId, violations);
        CheckMeasurement(PolicyViolationKind.MrOwner, MrOwner, report.MrOwner, violations);
        CheckMeasurement(PolicyViolationKind.MrOwnerConfig, MrOwnerConfig, report.MrOwnerConfig, violations);
        CheckMasked(PolicyViolationKind.TdAttributes, TdAttributes, report.TdAttributes, violations);
        CheckMasked(PolicyViolationKind.Xfam, Xfam, report.Xfam, violations);
    }

    private static void CheckMeasurement(PolicyViolationKind field, Measurement? expected, Measurement actual, List<PolicyViolation> violations)
    {
        if (expected is { } value && value != actual)
        {
            violations.Add(new(field, value.ToString(), actual.ToString()));
        }
    }

    private static void CheckMasked(PolicyViolationKind field, MaskedValue? expected, ulong actual, List<PolicyViolation> violations)
    {
        if (expected is { } value && !value.Matches(actual))
        {
            violations.Add(new(field, value.ToString(), Invariant($"0x{actual:x}")));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
