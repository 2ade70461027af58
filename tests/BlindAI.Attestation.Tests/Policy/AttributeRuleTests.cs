using System.Buffers.Binary;

using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Policy;

/// <summary>
/// The strict default refuses evidence whose attributes no production workload has, whatever identity it pins; each
/// rule has one named relaxation. SGX rules follow Gramine (tools/sgx/common/quote.c,
/// verify_quote_body_enclave_attributes); TDX rules follow dcap-qvl (src/verify.rs, validate_td10 and validate_td15),
/// the verifier the real vectors come from. Bit positions: Intel SGX SDK sgx_attributes.h, dcap-qvl TDAttributes.
/// </summary>
public sealed class AttributeRuleTests
{
    private const int SgxAttributeFlags = 48 + 48; // header + offset in the SGX report body
    private const int Td10Attributes = 48 + 120; // header + offset in the TD report body (v4 quote)
    private const int Td15Body = 48 + 6; // v5 quote: header + body descriptor
    private const int Td15Attributes = Td15Body + 120;
    private const int Td15MrServiceTd = Td15Body + 600;

    private static readonly Measurement SgxMrEnclave = Measurement.Parse(VerificationResults.SgxMrEnclave);

    private static AttestationPolicy SgxPolicy => AttestationPolicy.Strict
        .RequireMrEnclave(SgxMrEnclave)
        .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
        .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

    public static TheoryData<string> RealVectors => ["sgx_quote", "tdx_quote", "tdx_quote_outdated", "automata_sgx_v3", "automata_tdx_v4_padded"];

    [Theory]
    [MemberData(nameof(RealVectors))]
    public void Every_real_intel_vector_has_production_attributes(string name)
    {
        // sgx: INIT|MODE64BIT (0x5); tdx: SEPT_VE_DISABLE only (0x10000000); tdx_quote_outdated's MRSERVICETD is zero.
        Quote quote = Quote.Parse(QuoteVectors.ByName(name));
        QuoteVerificationResult result = VerificationResults.Tdx() with { Quote = quote };

        IReadOnlyList<PolicyViolation> violations = AttestationPolicy.Strict.AllowUnpinnedIdentity().Evaluate(result);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(0x15UL, "attributes.provisionKey", "0x0 under mask 0x10 (PROVISIONKEY clear; AllowSgxProvisionKey() relaxes)")]
    [InlineData(0x25UL, "attributes.einittokenKey", "0x0 under mask 0x20 (EINITTOKEN_KEY clear; AllowSgxEInitTokenKey() relaxes)")]
    [InlineData(0x1UL, "attributes.mode64bit", "0x4 under mask 0x4 (MODE64BIT set: a 64-bit enclave; AllowSgx32BitEnclave() relaxes)")]
    [InlineData(0x4UL, "attributes.init", "0x1 under mask 0x1 (INIT set: an initialised enclave)")]
    public void Sgx_attributes_gramine_refuses_are_violations_with_expected_and_actual_hex(ulong flags, string field, string expected)
    {
        QuoteVerificationResult result = VerificationResults.Sgx(WithSgxFlags(flags));

        PolicyViolation violation = Assert.Single(SgxPolicy.Evaluate(result));

        Assert.Equal(field, violation.Field);
        Assert.Equal(new PolicyViolation(violation.Kind, expected, $"0x{flags:x}"), violation);
    }

    [Fact]
    public void Each_sgx_attribute_rule_is_relaxed_only_by_its_own_named_method()
    {
        QuoteVerificationResult provisioning = VerificationResults.Sgx(WithSgxFlags(0x15));
        QuoteVerificationResult launch = VerificationResults.Sgx(WithSgxFlags(0x25));
        QuoteVerificationResult thirtyTwoBit = VerificationResults.Sgx(WithSgxFlags(0x1));

        Assert.Empty(SgxPolicy.AllowSgxProvisionKey().Evaluate(provisioning));
        Assert.Empty(SgxPolicy.AllowSgxEInitTokenKey().Evaluate(launch));
        Assert.Empty(SgxPolicy.AllowSgx32BitEnclave().Evaluate(thirtyTwoBit));

        Assert.Single(SgxPolicy.AllowSgxEInitTokenKey().AllowSgx32BitEnclave().AllowDebug().Evaluate(provisioning));
        Assert.Single(SgxPolicy.AllowSgxProvisionKey().AllowSgx32BitEnclave().AllowDebug().Evaluate(launch));
        Assert.Single(SgxPolicy.AllowSgxProvisionKey().AllowSgxEInitTokenKey().AllowDebug().Evaluate(thirtyTwoBit));
    }

    [Fact]
    public void An_sgx_report_without_init_is_refused_by_every_relaxation()
    {
        // EREPORT only runs in an initialised enclave: no relaxation can make such a report acceptable.
        QuoteVerificationResult result = VerificationResults.Sgx(WithSgxFlags(0x4));
        AttestationPolicy everything = SgxPolicy.AllowDebug().AllowSgxProvisionKey().AllowSgxEInitTokenKey().AllowSgx32BitEnclave().AllowUnpinnedIdentity();

        Assert.Equal("attributes.init", Assert.Single(everything.Evaluate(result)).Field);
    }

    [Fact]
    public void A_debug_enclave_with_otherwise_production_attributes_is_only_a_debug_violation()
    {
        QuoteVerificationResult result = VerificationResults.Sgx(WithSgxFlags(0x7));

        Assert.Equal("debug", Assert.Single(SgxPolicy.Evaluate(result)).Field);
        Assert.Empty(SgxPolicy.AllowDebug().Evaluate(result));
    }

    [Fact]
    public void A_td_without_sept_ve_disable_is_refused_unless_explicitly_allowed()
    {
        QuoteVerificationResult result = VerificationResults.Tdx(WithTd10Attributes(0));
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd);

        Assert.Equal(
            new PolicyViolation(PolicyViolationKind.TdxSeptVeDisable, "0x10000000 under mask 0x10000000 (SEPT_VE_DISABLE set; AllowTdxSeptVeEnabled() relaxes)", "0x0"),
            Assert.Single(policy.Evaluate(result)));
        Assert.Empty(policy.AllowTdxSeptVeEnabled().Evaluate(result));
    }

    [Theory]
    [InlineData(1UL << 1)] // TUD reserved
    [InlineData(1UL << 8)] // SEC reserved (low end)
    [InlineData(1UL << 27)] // SEC reserved for dcap-qvl (LASS in newer modules)
    [InlineData(1UL << 29)] // SEC reserved for dcap-qvl (MIGRATABLE in newer modules)
    [InlineData(1UL << 32)] // OTHER reserved (low end)
    [InlineData(1UL << 62)] // OTHER reserved (high end)
    public void A_reserved_td_attribute_bit_is_refused_unless_that_bit_is_allowed(ulong bit)
    {
        ulong attributes = TdReportBody.SeptVeDisableAttribute | bit;
        QuoteVerificationResult result = VerificationResults.Tdx(WithTd10Attributes(attributes));
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd);

        PolicyViolation violation = Assert.Single(policy.Evaluate(result));

        Assert.Equal("tdAttributes.reserved", violation.Field);
        Assert.Equal($"0x0 under mask 0x7fffffff2ffffffe (reserved bits clear; AllowTdxAttributeBits(0x{bit:x}) relaxes)", violation.Expected);
        Assert.Equal($"0x{attributes:x}", violation.Actual);
        Assert.Empty(policy.AllowTdxAttributeBits(bit).Evaluate(result));
        ulong otherBit = bit == 1UL << 1 ? 1UL << 2 : 1UL << 1;
        Assert.Single(policy.AllowTdxAttributeBits(otherBit).Evaluate(result));
    }

    [Fact]
    public void Pks_key_locker_and_perfmon_are_not_reserved()
    {
        ulong attributes = TdReportBody.SeptVeDisableAttribute | (1UL << 30) | (1UL << 31) | (1UL << 63);
        QuoteVerificationResult result = VerificationResults.Tdx(WithTd10Attributes(attributes));

        Assert.Empty(AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd).Evaluate(result));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(TdReportBody.DebugAttribute)]
    [InlineData(TdReportBody.SeptVeDisableAttribute)]
    [InlineData((1UL << 30) | (1UL << 1))]
    public void Allowing_td_attribute_bits_takes_reserved_bits_only(ulong bits)
    {
        var error = Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.AllowTdxAttributeBits(bits));

        Assert.Equal("bits", error.ParamName);
    }

    [Fact]
    public void A_td_bound_to_a_service_td_is_refused_unless_explicitly_allowed()
    {
        byte[] bytes = QuoteVectors.TdxV5Outdated;
        bytes[Td15MrServiceTd + 47] = 0x01;
        QuoteVerificationResult result = VerificationResults.TdReport15(bytes);
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd);

        Assert.Empty(policy.Evaluate(VerificationResults.TdReport15()));
        Assert.Equal(
            new PolicyViolation(PolicyViolationKind.MrServiceTd, new string('0', 96) + " (no service TD; AllowTdxServiceTd() relaxes)", new string('0', 94) + "01"),
            Assert.Single(policy.Evaluate(result)));
        Assert.Empty(policy.AllowTdxServiceTd().Evaluate(result));
    }

    [Fact]
    public void A_td_report_1_0_has_no_service_td_whatever_bytes_follow_its_body()
    {
        // tdx_quote is a v4 quote: the 48 bytes where a TD report 1.5 keeps MRSERVICETD are its signature data (non-zero).
        QuoteVerificationResult result = VerificationResults.Tdx();

        Assert.Null(result.Quote.TdReport!.MrServiceTd);
        Assert.Empty(AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport.MrTd).Evaluate(result));
    }

    [Fact]
    public void Every_attribute_violation_of_a_td_is_reported_at_once()
    {
        byte[] bytes = QuoteVectors.TdxV5Outdated;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(Td15Attributes), TdReportBody.DebugAttribute | (1UL << 29));
        bytes[Td15MrServiceTd] = 0xff;
        QuoteVerificationResult result = VerificationResults.TdReport15(bytes);

        var violations = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd).Evaluate(result);

        Assert.Equal(["debug", "mrServiceTd", "tdAttributes.reserved", "tdAttributes.septVeDisable"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    private static byte[] WithSgxFlags(ulong flags)
    {
        byte[] bytes = QuoteVectors.SgxV3;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(SgxAttributeFlags), flags);
        return bytes;
    }

    private static byte[] WithTd10Attributes(ulong attributes)
    {
        byte[] bytes = QuoteVectors.TdxV4;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(Td10Attributes), attributes);
        return bytes;
    }
}
