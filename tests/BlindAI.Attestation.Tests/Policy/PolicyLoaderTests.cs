using BlindAI.Attestation.Policy;

namespace BlindAI.Attestation.Tests.Policy;

public sealed class PolicyLoaderTests
{
    private const string FullJson = $$"""
        {
          "allowDebug": false,
          "allowUnpinnedIdentity": false,
          "acceptedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"],
          "acceptedAdvisoryIds": ["INTEL-SA-00289", "INTEL-SA-00615"],
          "minimumTcbEvaluationDataNumber": 17,
          "collateralGracePeriodSeconds": 600,
          "sgx": {
            "mrEnclave": ["{{VerificationResults.SgxMrEnclave}}"],
            "mrSigner": "0x{{VerificationResults.SgxMrSigner}}",
            "isvProdId": 0,
            "minimumIsvSvn": 0,
            "attributeFlags": { "value": "0x5", "mask": "0xfffffffffffffffd" },
            "xfrm": { "value": "0x3", "mask": "0xffffffffffffff1b" },
            "miscSelect": { "value": "0x0" }
          }
        }
        """;

    /// <summary>The production template of the original BlindAI client, filled with sgx_quote's MRENCLAVE.</summary>
    private const string ProdManifest = $"""
        mr_enclave = "{VerificationResults.SgxMrEnclave}"
        allow_debug = false
        attributes_flags_hex = "0x4"
        attributes_mask_flags_hex = "0xfffffffffffffffd"
        attributes_xfrm_hex = "0x3"
        attributes_mask_xfrm_hex = "0xffffffffffffff1b"
        misc_select_hex = "0x0"
        misc_mask_hex = "0xffffffff"
        """;

    [Fact]
    public void Json_policy_sets_every_member_and_accepts_the_sgx_quote()
    {
        AttestationPolicy policy = AttestationPolicy.FromJson(FullJson);

        Assert.False(policy.DebugAllowed);
        Assert.Equal([TcbStatus.UpToDate, TcbStatus.ConfigurationAndSWHardeningNeeded], policy.AcceptedTcbStatuses.Order());
        Assert.Equal(2, policy.AcceptedAdvisoryIds.Count);
        Assert.Equal(17, policy.MinimumTcbEvaluationDataNumber);
        Assert.Equal(TimeSpan.FromMinutes(10), policy.CollateralGracePeriod);
        Assert.Equal(VerificationResults.SgxMrEnclave, Assert.Single(policy.MrEnclaves).ToString());
        Assert.Equal(VerificationResults.SgxMrSigner, policy.MrSigner.ToString());
        Assert.Equal(new MaskedValue(0x5, 0xfffffffffffffffd), policy.SgxAttributeFlags);
        Assert.Equal(new MaskedValue(0x0, 0xffffffff), policy.MiscSelect); // MISCSELECT is 32 bits: the default mask covers them all
        Assert.Empty(policy.Evaluate(VerificationResults.Sgx()));
    }

    [Fact]
    public void Json_tdx_policy_pins_the_tdx_quote()
    {
        var td = VerificationResults.Tdx().Quote.TdReport!;
        string json = $$"""
            { "tdx": { "mrTd": "{{td.MrTd}}", "rtmr0": "{{td.Rtmr0}}", "rtmr3": "{{td.Rtmr3}}", "mrConfigId": "{{td.MrConfigId}}",
                       "mrOwner": "{{td.MrOwner}}", "mrOwnerConfig": "{{td.MrOwnerConfig}}",
                       "tdAttributes": { "value": "0x{{td.TdAttributes:x}}" }, "xfam": { "value": "{{td.Xfam:x}}", "mask": "0xffffffffffffffff" } } }
            """;

        AttestationPolicy policy = AttestationPolicy.FromJson(json);

        Assert.Equal(td.MrTd, policy.MrTd);
        Assert.Null(policy.Rtmrs[1]);
        Assert.Empty(policy.Evaluate(VerificationResults.Tdx()));
        Assert.NotEmpty(policy.Evaluate(VerificationResults.AutomataTdx()));
    }

    [Fact]
    public void An_empty_json_object_is_the_strict_policy()
    {
        Assert.Equal(AttestationPolicy.Strict.Evaluate(VerificationResults.Sgx()), AttestationPolicy.FromJson("{}").Evaluate(VerificationResults.Sgx()));
    }

    [Theory]
    [InlineData("{", AttestationFormatErrorReason.InvalidJson)]
    [InlineData("{\"allowDebug\": true,}", AttestationFormatErrorReason.InvalidJson)]
    [InlineData("[]", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"allowDebug\": true, \"allowDebug\": false}", AttestationFormatErrorReason.InvalidJson)]
    [InlineData("{\"allow_debug\": true}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"allowDebug\": \"yes\"}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"acceptedTcbStatuses\": [\"Fine\"]}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"acceptedTcbStatuses\": [\"4\"]}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"acceptedTcbStatuses\": \"OutOfDate\"}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"minimumTcbEvaluationDataNumber\": -1}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"minimumTcbEvaluationDataNumber\": 1.5}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"mrEnclave\": \"zz\"}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"mrEnclave\": \"00\"}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"mrenclave\": \"00\"}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"isvProdId\": 65536}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"miscSelect\": {\"value\": \"0x100000000\"}}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"attributeFlags\": {\"value\": \"0x2\", \"mask\": \"0x1\"}}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"sgx\": {\"attributeFlags\": {\"mask\": \"0x1\"}}}", AttestationFormatErrorReason.MissingField)]
    [InlineData("{\"tdx\": {\"rtmr4\": \"00\"}}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"tdx\": {\"mrTd\": 5}}", AttestationFormatErrorReason.InvalidField)]
    public void Malformed_json_policies_are_typed_errors(string json, AttestationFormatErrorReason reason)
    {
        var ex = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromJson(json));

        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public void Json_errors_name_the_offending_member()
    {
        var ex = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromJson("{\"sgx\": {\"mrSigner\": \"abcd\"}}"));

        Assert.Contains("$.sgx.mrSigner", ex.Message, StringComparison.Ordinal);
        Assert.Contains("32 are expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlindAI_prod_manifest_pins_the_enclave_and_accepts_the_sgx_quote_once_its_tcb_is_accepted()
    {
        AttestationPolicy policy = AttestationPolicy.FromBlindAiManifest(ProdManifest);

        Assert.False(policy.DebugAllowed);
        Assert.Equal(VerificationResults.SgxMrEnclave, Assert.Single(policy.MrEnclaves).ToString());
        // INIT is folded into the expected flags, as the original client did.
        Assert.Equal(new MaskedValue(0x5, 0xfffffffffffffffd), policy.SgxAttributeFlags);
        Assert.Equal(new MaskedValue(0x3, 0xffffffffffffff1b), policy.SgxXfrm);
        Assert.Equal(new MaskedValue(0x0, 0xffffffff), policy.MiscSelect);

        // The manifest carries no TCB choice: strict TCB rules stay until relaxed explicitly.
        Assert.Equal(["advisoryIds", "advisoryIds", "tcbStatus"], policy.Evaluate(VerificationResults.Sgx()).Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Empty(policy.AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded).AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615").Evaluate(VerificationResults.Sgx()));
    }

    [Fact]
    public void BlindAI_manifest_allow_debug_relaxes_debug_and_a_foreign_mr_enclave_is_reported()
    {
        string manifest = $"mr_enclave = \"{new string('a', 64)}\"\nallow_debug = true\n";

        AttestationPolicy policy = AttestationPolicy.FromBlindAiManifest(manifest);

        Assert.True(policy.DebugAllowed);
        Assert.Contains(policy.Evaluate(VerificationResults.Sgx()), v => v.Field == "mrEnclave" && v.Expected == new string('a', 64));
    }

    [Theory]
    [InlineData("mr_enclave = ", AttestationFormatErrorReason.InvalidField)]
    [InlineData("allow_debug = false", AttestationFormatErrorReason.MissingField)]
    [InlineData("mr_enclave = 5", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"xyz\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"00\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("MR_ENCLAVE = \"00\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("allow_debug = \"true\"\nmr_enclave = \"MRE\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"MRE\"\nattributes_flags_hex = \"0xg\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"MRE\"\nattributes_mask_xfrm_hex = \"0xff\"", AttestationFormatErrorReason.MissingField)]
    [InlineData("mr_enclave = \"MRE\"\nmisc_select_hex = \"0x100000000\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"MRE\"\nattributes_flags_hex = \"0x2\"\nattributes_mask_flags_hex = \"0xfffffffffffffffd\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("mr_enclave = \"MRE\"\n[sgx]\nx = 1", AttestationFormatErrorReason.InvalidField)]
    public void Malformed_blindai_manifests_are_typed_errors(string toml, AttestationFormatErrorReason reason)
    {
        var ex = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromBlindAiManifest(toml.Replace("MRE", VerificationResults.SgxMrEnclave, StringComparison.Ordinal)));

        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public async Task LoadAsync_reads_toml_files_as_manifests_and_others_as_json()
    {
        string directory = Directory.CreateTempSubdirectory("blindai-policy-").FullName;
        try
        {
            string toml = Path.Combine(directory, "manifest.toml");
            string json = Path.Combine(directory, "policy.json");
            await File.WriteAllTextAsync(toml, ProdManifest);
            await File.WriteAllTextAsync(json, FullJson);

            AttestationPolicy fromToml = await AttestationPolicy.LoadAsync(toml, CancellationToken.None);
            AttestationPolicy fromJson = await AttestationPolicy.LoadAsync(json, CancellationToken.None);

            Assert.Equal(new MaskedValue(0x3, 0xffffffffffffff1b), fromToml.SgxXfrm);
            Assert.Equal(17, fromJson.MinimumTcbEvaluationDataNumber);
            string jsonInTomlFile = Path.Combine(directory, "wrong.toml");
            await File.WriteAllTextAsync(jsonInTomlFile, FullJson);
            await Assert.ThrowsAsync<AttestationFormatException>(() => AttestationPolicy.LoadAsync(jsonInTomlFile, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
