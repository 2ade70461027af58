using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Tests.Quotes;

namespace BlindAI.Attestation.Tests.Policy;

/// <summary>Policy files: one JSON key per named relaxation, the deny list, and no way to accept a Revoked TCB.</summary>
public sealed class PolicyFileHardeningTests
{
    public static TheoryData<string, string> Relaxations => new()
    {
        { """{ "sgx": { "allowProvisionKey": true } }""", nameof(AttestationPolicy.AllowSgxProvisionKey) },
        { """{ "sgx": { "allowEInitTokenKey": true } }""", nameof(AttestationPolicy.AllowSgxEInitTokenKey) },
        { """{ "sgx": { "allow32BitEnclave": true } }""", nameof(AttestationPolicy.AllowSgx32BitEnclave) },
        { """{ "tdx": { "allowSeptVeEnabled": true } }""", nameof(AttestationPolicy.AllowTdxSeptVeEnabled) },
        { """{ "tdx": { "allowAttributeBits": "0x28000000" } }""", nameof(AttestationPolicy.AllowTdxAttributeBits) },
        { """{ "tdx": { "allowServiceTd": true } }""", nameof(AttestationPolicy.AllowTdxServiceTd) },
    };

    [Theory]
    [MemberData(nameof(Relaxations))]
    public void Each_relaxation_has_a_json_key_that_applies_exactly_that_relaxation(string json, string method)
    {
        AttestationPolicy expected = method switch
        {
            nameof(AttestationPolicy.AllowSgxProvisionKey) => AttestationPolicy.Strict.AllowSgxProvisionKey(),
            nameof(AttestationPolicy.AllowSgxEInitTokenKey) => AttestationPolicy.Strict.AllowSgxEInitTokenKey(),
            nameof(AttestationPolicy.AllowSgx32BitEnclave) => AttestationPolicy.Strict.AllowSgx32BitEnclave(),
            nameof(AttestationPolicy.AllowTdxSeptVeEnabled) => AttestationPolicy.Strict.AllowTdxSeptVeEnabled(),
            nameof(AttestationPolicy.AllowTdxAttributeBits) => AttestationPolicy.Strict.AllowTdxAttributeBits((1UL << 27) | (1UL << 29)),
            _ => AttestationPolicy.Strict.AllowTdxServiceTd(),
        };

        AttestationPolicy policy = AttestationPolicy.FromJson(json);

        Assert.Equal(expected, policy);
        Assert.NotEqual(AttestationPolicy.Strict, policy);
    }

    [Fact]
    public void A_relaxation_key_set_to_false_keeps_the_strict_rule()
    {
        AttestationPolicy policy = AttestationPolicy.FromJson("""{ "sgx": { "allowProvisionKey": false }, "tdx": { "allowSeptVeEnabled": false, "allowServiceTd": false } }""");

        Assert.Equal(AttestationPolicy.Strict, policy);
    }

    [Fact]
    public void Json_relaxations_relax_the_rule_they_name()
    {
        byte[] bytes = QuoteVectors.SgxV3;
        bytes[48 + 48] = 0x15; // INIT | MODE64BIT | PROVISIONKEY
        var result = VerificationResults.Sgx(bytes);
        string pinned = $$"""{ "acceptedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"], "acceptedAdvisoryIds": ["INTEL-SA-00289", "INTEL-SA-00615"], "sgx": { "mrEnclave": "{{VerificationResults.SgxMrEnclave}}"{0} } }""";

        Assert.Equal("attributes.provisionKey", Assert.Single(AttestationPolicy.FromJson(pinned.Replace("{0}", "", StringComparison.Ordinal)).Evaluate(result)).Field);
        Assert.Empty(AttestationPolicy.FromJson(pinned.Replace("{0}", ", \"allowProvisionKey\": true", StringComparison.Ordinal)).Evaluate(result));
    }

    [Fact]
    public void Json_deny_list_wins_over_the_json_accept_list()
    {
        string json = $$"""
            {
              "acceptedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"],
              "acceptedAdvisoryIds": ["INTEL-SA-00289", "INTEL-SA-00615"],
              "deniedAdvisoryIds": ["INTEL-SA-00615"],
              "sgx": { "mrEnclave": "{{VerificationResults.SgxMrEnclave}}" }
            }
            """;

        AttestationPolicy policy = AttestationPolicy.FromJson(json);

        Assert.Equal(["INTEL-SA-00615"], policy.DeniedAdvisoryIds);
        PolicyViolation violation = Assert.Single(policy.Evaluate(VerificationResults.Sgx()));
        Assert.Equal(("advisoryIds", "INTEL-SA-00615"), (violation.Field, violation.Actual));
        Assert.Contains("denied", violation.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "acceptedTcbStatuses": ["Revoked"] }""")]
    [InlineData("""{ "acceptedTcbStatuses": ["OutOfDate", "Revoked"] }""")]
    public void A_json_policy_accepting_revoked_is_refused(string json)
    {
        var error = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromJson(json));

        Assert.Equal(AttestationFormatErrorReason.InvalidField, error.Reason);
        Assert.Contains("$.acceptedTcbStatuses", error.Message, StringComparison.Ordinal);
        Assert.Contains("Revoked TCB can never be accepted", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "deniedAdvisoryIds": "INTEL-SA-00615" }""")]
    [InlineData("""{ "deniedAdvisoryIds": [""] }""")]
    [InlineData("""{ "acceptedAdvisoryIds": [" "] }""")]
    [InlineData("""{ "sgx": { "allowProvisionKey": "yes" } }""")]
    [InlineData("""{ "sgx": { "allowDebug": true } }""")]
    [InlineData("""{ "sgx": { "allowSeptVeEnabled": true } }""")]
    [InlineData("""{ "tdx": { "allowProvisionKey": true } }""")]
    [InlineData("""{ "tdx": { "allowAttributeBits": "0x1" } }""")]
    [InlineData("""{ "tdx": { "allowAttributeBits": "0x10000000" } }""")]
    [InlineData("""{ "tdx": { "allowAttributeBits": 8 } }""")]
    [InlineData("""{ "tdx": { "allowServiceTd": 1 } }""")]
    [InlineData("""{ "allowProvisionKey": true }""")]
    public void Misplaced_or_malformed_relaxation_keys_are_format_errors(string json)
    {
        var error = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromJson(json));

        Assert.Equal(AttestationFormatErrorReason.InvalidField, error.Reason);
    }

    [Fact]
    public void A_blindai_manifest_has_no_way_to_accept_a_tcb_status()
    {
        // The original manifest format carries no TCB choice; a key that tries is refused, so Revoked cannot be smuggled in.
        string manifest = $"mr_enclave = \"{VerificationResults.SgxMrEnclave}\"\naccepted_tcb_statuses = [\"Revoked\"]\n";

        var error = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromBlindAiManifest(manifest));

        Assert.Equal(AttestationFormatErrorReason.InvalidField, error.Reason);
        Assert.Contains("accepted_tcb_statuses", error.Message, StringComparison.Ordinal);
        Assert.Equal([TcbStatus.UpToDate], AttestationPolicy.FromBlindAiManifest($"mr_enclave = \"{VerificationResults.SgxMrEnclave}\"").AcceptedTcbStatuses);
    }
}
