using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Policy;

/// <summary>
/// The attribute rules every policy applies before any measurement is compared, strict by default: the evidence must
/// come from a production enclave or TD configured the way a confidential workload needs, whatever identity it claims.
/// </summary>
public sealed partial record AttestationPolicy
{
    // SGX ATTRIBUTES.FLAGS bits (Intel SDM vol. 3D, SECS; the SGX SDK's sgx_attributes.h names them the same way).
    private const ulong SgxInit = 1UL << 0;
    private const ulong SgxMode64Bit = 1UL << 2;
    private const ulong SgxProvisionKey = 1UL << 4;
    private const ulong SgxEInitTokenKey = 1UL << 5;

    // TDX TDATTRIBUTES bits, grouped as the TDX module ABI does and as dcap-qvl checks them (src/quote.rs TDAttributes,
    // src/verify.rs validate_td10): TUD bits 7:0 (bit 0 DEBUG, 7:1 reserved), SEC bits 31:8 (28 SEPT_VE_DISABLE,
    // 30 PKS, 31 KL, every other one reserved), OTHER bits 63:32 (63 PERFMON, 62:32 reserved).
    private const ulong TdxSeptVeDisable = 1UL << 28;
    private const ulong TdxPks = 1UL << 30;
    private const ulong TdxKeyLocker = 1UL << 31;
    private const ulong TdxPerfmon = 1UL << 63;

    /// <summary>Every TDATTRIBUTES bit the strict default requires to be clear (0x7fffffff2ffffffe).</summary>
    private const ulong TdxReservedAttributes = ~(TdReportBody.DebugAttribute | TdxSeptVeDisable | TdxPks | TdxKeyLocker | TdxPerfmon);

    private bool SgxProvisionKeyAllowed { get; init; }

    private bool SgxEInitTokenKeyAllowed { get; init; }

    private bool Sgx32BitEnclaveAllowed { get; init; }

    private bool TdxSeptVeEnabledAllowed { get; init; }

    private bool TdxServiceTdAllowed { get; init; }

    private ulong TdxAllowedReservedAttributes { get; init; }

    /// <summary>
    /// SGX: accepts an enclave with the PROVISIONKEY attribute (bit 4), which may derive the platform's provisioning key.
    /// Only Intel's provisioning enclaves need it; Gramine refuses such enclaves, and so does the strict default.
    /// </summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowSgxProvisionKey() => this with { SgxProvisionKeyAllowed = true };

    /// <summary>
    /// SGX: accepts an enclave with the EINITTOKEN_KEY attribute (bit 5), which may derive launch tokens for other enclaves.
    /// Only a launch enclave needs it; Gramine refuses such enclaves, and so does the strict default.
    /// </summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowSgxEInitTokenKey() => this with { SgxEInitTokenKeyAllowed = true };

    /// <summary>
    /// SGX: accepts a 32-bit enclave (MODE64BIT, bit 2, clear). Gramine only runs 64-bit enclaves, so the strict default
    /// requires the bit; a 32-bit enclave is a different build from the one a 64-bit measurement describes.
    /// </summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowSgx32BitEnclave() => this with { Sgx32BitEnclaveAllowed = true };

    /// <summary>
    /// INSECURE for Linux guests: accepts a TD whose SEPT_VE_DISABLE attribute (bit 28) is clear, so the host can inject
    /// #VE exceptions on pending private pages, an attack surface the Linux TDX guest refuses to run with.
    /// </summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowTdxSeptVeEnabled() => this with { TdxSeptVeEnabledAllowed = true };

    /// <summary>
    /// TDX: accepts these TD attribute bits, which the strict default requires to be clear because it does not know them
    /// (every bit except DEBUG, SEPT_VE_DISABLE, PKS, KL and PERFMON; for example LASS, bit 27, of newer TDX modules).
    /// </summary>
    /// <param name="bits">The bits to accept, all among the reserved ones (mask 0x7fffffff2ffffffe).</param>
    /// <returns>The relaxed policy.</returns>
    /// <exception cref="ArgumentException"><paramref name="bits"/> is zero or names a bit that is not reserved (DEBUG and SEPT_VE_DISABLE have their own relaxations).</exception>
    public AttestationPolicy AllowTdxAttributeBits(ulong bits)
    {
        if (bits == 0 || (bits & ~TdxReservedAttributes) != 0)
        {
            throw new ArgumentException(
                Invariant($"0x{bits:x} must name reserved TD attribute bits only (mask 0x{TdxReservedAttributes:x}); DEBUG has AllowDebug() and SEPT_VE_DISABLE has AllowTdxSeptVeEnabled()."),
                nameof(bits));
        }

        return this with { TdxAllowedReservedAttributes = TdxAllowedReservedAttributes | bits };
    }

    /// <summary>
    /// TDX: accepts a TD bound to a service TD (a non-zero MRSERVICETD, TD report 1.5), for example a migration TD that
    /// can move the TD and its keys to another platform. The strict default requires MRSERVICETD to be zero.
    /// </summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowTdxServiceTd() => this with { TdxServiceTdAllowed = true };

    /// <summary>Gramine's own checks of an enclave's attributes (tools/sgx/common/quote.c, verify_quote_body_enclave_attributes); DEBUG is checked with the other TEE.</summary>
    private void EvaluateSgxAttributes(ulong flags, List<PolicyViolation> violations)
    {
        // Not relaxable: EREPORT only runs in an initialised enclave, so a report without INIT was not produced by one.
        RequireBit(PolicyViolationKind.SgxInit, flags, SgxInit, set: true, "INIT set: an initialised enclave", violations);
        if (!Sgx32BitEnclaveAllowed)
        {
            RequireBit(PolicyViolationKind.SgxMode64Bit, flags, SgxMode64Bit, set: true, "MODE64BIT set: a 64-bit enclave; AllowSgx32BitEnclave() relaxes", violations);
        }

        if (!SgxProvisionKeyAllowed)
        {
            RequireBit(PolicyViolationKind.SgxProvisionKey, flags, SgxProvisionKey, set: false, "PROVISIONKEY clear; AllowSgxProvisionKey() relaxes", violations);
        }

        if (!SgxEInitTokenKeyAllowed)
        {
            RequireBit(PolicyViolationKind.SgxEInitTokenKey, flags, SgxEInitTokenKey, set: false, "EINITTOKEN_KEY clear; AllowSgxEInitTokenKey() relaxes", violations);
        }
    }

    /// <summary>dcap-qvl's checks of a TD's attributes and service TD (src/verify.rs, validate_td10 and validate_td15); DEBUG is checked with the other TEE.</summary>
    private void EvaluateTdxAttributes(TdReportBody report, List<PolicyViolation> violations)
    {
        ulong attributes = report.TdAttributes;
        if (!TdxSeptVeEnabledAllowed)
        {
            RequireBit(PolicyViolationKind.TdxSeptVeDisable, attributes, TdxSeptVeDisable, set: true, "SEPT_VE_DISABLE set; AllowTdxSeptVeEnabled() relaxes", violations);
        }

        ulong reserved = TdxReservedAttributes & ~TdxAllowedReservedAttributes;
        if ((attributes & reserved) != 0)
        {
            violations.Add(new(
                PolicyViolationKind.TdxReservedAttributes,
                Invariant($"{new MaskedValue(0, reserved)} (reserved bits clear; AllowTdxAttributeBits(0x{attributes & reserved:x}) relaxes)"),
                Invariant($"0x{attributes:x}")));
        }

        // TD report 1.0 has no MRSERVICETD: no service TD can be bound.
        if (!TdxServiceTdAllowed && report.MrServiceTd is { } serviceTd && !serviceTd.IsZero)
        {
            violations.Add(new(
                PolicyViolationKind.MrServiceTd,
                $"{new string('0', serviceTd.Length * 2)} (no service TD; AllowTdxServiceTd() relaxes)",
                serviceTd.ToString()));
        }
    }

    private static void RequireBit(PolicyViolationKind field, ulong actual, ulong bit, bool set, string meaning, List<PolicyViolation> violations)
    {
        var expected = new MaskedValue(set ? bit : 0, bit);
        if (!expected.Matches(actual))
        {
            violations.Add(new(field, $"{expected} ({meaning})", Invariant($"0x{actual:x}")));
        }
    }
}
