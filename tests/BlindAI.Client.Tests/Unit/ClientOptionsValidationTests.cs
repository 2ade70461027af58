using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;

namespace BlindAI.Client.Tests.Unit;

/// <summary>What the client's options accept before any server is contacted.</summary>
public sealed class ClientOptionsValidationTests
{
    private static readonly Measurement Sgx = Measurement.FromBytes(new byte[32]);
    private static readonly Measurement Tdx = Measurement.FromBytes(new byte[48]);

    [Fact]
    public void Defaults_require_fresh_evidence_and_an_identity_pin()
    {
        var options = new BlindAIClientOptions();

        Assert.Equal(FreshEvidenceMode.Required, options.FreshEvidence);
        Assert.Contains(options.GetValidationErrors(), e => e.Contains("pins no enclave identity", StringComparison.Ordinal));
    }

    public static TheoryData<string, bool> Policies => new()
    {
        { "strict", false },
        { "mrsigner", false },
        { "isvprodid", false },
        { "mrenclave", true },
        { "mrsigner+isvprodid", true },
        { "mrtd", true },
        { "unpinned, named", true },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Only_a_pinned_identity_or_the_named_relaxation_is_accepted(string policy, bool accepted)
    {
        var options = new BlindAIClientOptions
        {
            Server = new Uri("http://enclave.example"),
            Policy = policy switch
            {
                "strict" => AttestationPolicy.Strict,
                "mrsigner" => AttestationPolicy.Strict.RequireMrSigner(Sgx),
                "isvprodid" => AttestationPolicy.Strict.RequireIsvProdId(1),
                "mrenclave" => AttestationPolicy.Strict.RequireMrEnclave(Sgx),
                "mrsigner+isvprodid" => AttestationPolicy.Strict.RequireMrSigner(Sgx).RequireIsvProdId(1),
                "mrtd" => AttestationPolicy.Strict.RequireMrTd(Tdx),
                _ => AttestationPolicy.Strict.AllowUnpinnedIdentity(),
            },
        };

        Assert.Equal(accepted, options.GetValidationErrors().Count == 0);
    }

    [Fact]
    public void The_removed_opportunistic_mode_value_is_not_a_mode()
    {
        // 0 was "WhenOffered": a configuration still holding it is refused, not read as some other mode.
        var options = new BlindAIClientOptions { Policy = AttestationPolicy.Strict.RequireMrEnclave(Sgx), FreshEvidence = 0 };

        Assert.Contains(options.GetValidationErrors(), e => e.Contains(nameof(BlindAIClientOptions.FreshEvidence), StringComparison.Ordinal));
    }
}
