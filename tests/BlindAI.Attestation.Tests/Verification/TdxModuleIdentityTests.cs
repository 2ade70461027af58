using System.Text.Json.Nodes;

using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Verification;

/// <summary>
/// The TDX module check follows Intel QVL (QuoteVerifier.cpp, step 4.1.2.4.11): a module that reports a major version
/// (TEE_TCB_SVN[1] &gt; 0; tdx_quote's is 1) must match the TCB Info's tdxModuleIdentities entry TDX_%02X, whose signer
/// and attributes it must have; otherwise Intel returns TDX_MODULE_MISMATCH (TCB_INFO_MISMATCH when the TCB Info has no
/// tdxModuleIdentities member at all). The platform TCB level skips TEE_TCB_SVN[0] and [1] in that case, so without the
/// identity nothing would judge the module's SVN.
/// </summary>
public sealed class TdxModuleIdentityTests : IDisposable
{
    private readonly ResignedTdxQuote _vector = new();

    [Fact]
    public void The_resigned_tdx_quote_verifies_up_to_date_with_its_module_identities()
    {
        // Control: the real TCB Info, re-signed, gives the outcome the README states for tdx_quote.
        QuoteVerificationResult result = Verify(_vector.Collateral());

        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Equal(1, result.Quote.TdReport!.TeeTcbSvn.Span[1]);
    }

    [Fact]
    public void A_module_version_with_no_module_identities_in_the_tcb_info_is_a_module_mismatch()
    {
        var error = Assert.Throws<AttestationException>(() => Verify(_vector.Collateral(tcbInfo => tcbInfo.Remove("tdxModuleIdentities"))));

        Assert.Equal(AttestationFailureReason.TdxModuleMismatch, error.Reason);
        Assert.Equal(VerificationStep.TcbLevel, error.Step);
        Assert.Equal("tdxModuleIdentities with TDX_01", error.Expected);
        Assert.Equal("no tdxModuleIdentities", error.Actual);
    }

    [Fact]
    public void An_empty_module_identity_list_is_a_module_mismatch()
    {
        var error = Assert.Throws<AttestationException>(() => Verify(_vector.Collateral(tcbInfo => tcbInfo["tdxModuleIdentities"] = new JsonArray())));

        Assert.Equal(AttestationFailureReason.TdxModuleMismatch, error.Reason);
    }

    [Fact]
    public void A_module_version_the_tcb_info_does_not_list_is_a_module_mismatch()
    {
        // Only TDX_03 is left: the quote's module is major version 1.
        var error = Assert.Throws<AttestationException>(() => Verify(_vector.Collateral(tcbInfo => RemoveIdentity(tcbInfo, "TDX_01"))));

        Assert.Equal(AttestationFailureReason.TdxModuleMismatch, error.Reason);
        Assert.Equal(VerificationStep.TcbLevel, error.Step);
        Assert.Equal(("TDX_03", "TDX_01"), (error.Expected, error.Actual));
    }

    [Fact]
    public void Another_module_signer_is_a_module_mismatch()
    {
        var error = Assert.Throws<AttestationException>(() => Verify(_vector.Collateral(tcbInfo =>
            Identity(tcbInfo, "TDX_01")["mrsigner"] = new string('A', 96))));

        Assert.Equal(AttestationFailureReason.TdxModuleMismatch, error.Reason);
        Assert.Equal(new string('a', 96), error.Expected);
        Assert.Equal(new string('0', 96), error.Actual);
    }

    public void Dispose() => _vector.Dispose();

    private QuoteVerificationResult Verify(QuoteCollateral collateral) =>
        new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = _vector.Anchor }).Verify(Quote.Parse(_vector.Bytes), collateral, ResignedTdxQuote.Now);

    private static JsonObject Identity(JsonObject tcbInfo, string id) =>
        tcbInfo["tdxModuleIdentities"]!.AsArray().Single(m => (string?)m!["id"] == id)!.AsObject();

    private static void RemoveIdentity(JsonObject tcbInfo, string id)
    {
        JsonArray identities = tcbInfo["tdxModuleIdentities"]!.AsArray();
        identities.Remove(identities.Single(m => (string?)m!["id"] == id));
    }
}
