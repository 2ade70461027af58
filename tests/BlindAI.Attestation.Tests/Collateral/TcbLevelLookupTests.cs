using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>Level lookups with the platform values the testdata README states for each real quote.</summary>
public sealed class TcbLevelLookupTests
{
    private static byte[] Svns(params byte[] first) => [.. first, .. new byte[16 - first.Length]];

    [Fact]
    public void Phala_sgx_platform_is_configuration_and_sw_hardening_needed()
    {
        var collateral = CollateralVectors.SgxBundle();

        var level = collateral.TcbInfo.FindSgxTcbLevel(Svns(11, 11, 2, 2, 255, 1, 0), 13);

        Assert.NotNull(level);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, level.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], level.AdvisoryIds.ToArray());
        Assert.Equal(TcbStatus.UpToDate, collateral.QeIdentity.FindTcbLevel(10)!.TcbStatus);
        Assert.Equal(TcbStatus.OutOfDate, collateral.QeIdentity.FindTcbLevel(7)!.TcbStatus);
        Assert.Null(collateral.QeIdentity.FindTcbLevel(0));
    }

    [Fact]
    public void Automata_sgx_platform_is_out_of_date()
    {
        var collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses());

        Assert.Equal(TcbStatus.OutOfDate, collateral.TcbInfo.FindSgxTcbLevel(Svns(12, 12, 3, 3, 255, 255, 1), 13)!.TcbStatus);
        Assert.Equal(TcbStatus.UpToDate, collateral.QeIdentity.FindTcbLevel(9)!.TcbStatus);
    }

    [Fact]
    public void Outdated_tdx_platform_reaches_no_level()
    {
        var tcbInfo = CollateralVectors.TdxOutdatedBundle().TcbInfo;
        var best = tcbInfo.TcbLevels[0].SgxComponents.Select(c => c.Svn).ToArray();
        best[7] = 3; // PCK SGX component #8 is 3; every level requires 5

        Assert.Null(tcbInfo.FindSgxTcbLevel(best, 13));
        Assert.NotNull(tcbInfo.FindSgxTcbLevel(tcbInfo.TcbLevels[0].SgxComponents.Select(c => c.Svn).ToArray(), 13));
    }

    [Fact]
    public void Tdx_components_compare_from_the_chosen_index_and_module_identities_are_found_by_major_version()
    {
        var tcbInfo = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataTdxResponses()).TcbInfo;
        var teeTcbSvn = Svns(4, 1, 7);

        Assert.False(tcbInfo.TcbLevels[0].IsMetByTdx(teeTcbSvn, 0)); // module SVN 4 < 5
        Assert.True(tcbInfo.TcbLevels[1].IsMetByTdx(teeTcbSvn, 0));
        Assert.True(tcbInfo.TcbLevels[0].IsMetByTdx(teeTcbSvn, 2)); // Intel QVL: bytes 0 and 1 belong to the module identity

        var module = tcbInfo.FindTdxModuleIdentity(teeTcbSvn[1]);
        Assert.NotNull(module);
        Assert.Equal("TDX_01", module.Id);
        Assert.Equal(TcbStatus.UpToDate, module.FindTcbLevel(teeTcbSvn[0])!.TcbStatus);
        Assert.Equal(TcbStatus.OutOfDate, module.FindTcbLevel(3)!.TcbStatus);
        Assert.Null(tcbInfo.FindTdxModuleIdentity(2));
        Assert.Throws<ArgumentException>(() => tcbInfo.TcbLevels[0].IsMetByTdx(new byte[15], 0));
        Assert.False(CollateralVectors.SgxBundle().TcbInfo.TcbLevels[0].IsMetByTdx(teeTcbSvn, 0));
    }

    [Fact]
    public void Platform_identity_is_checked_against_the_tcb_info()
    {
        var verified = new CollateralVerifier(TrustAnchor.IntelSgxRootCa).Verify(CollateralVectors.TdxBundle(), CollateralVectors.TdxNow);

        verified.EnsurePlatform(Convert.FromHexString("b0c06f000000"), [0, 0]);
        var error = Assert.Throws<AttestationException>(() => verified.EnsurePlatform(Convert.FromHexString("00a067110000"), [0, 0]));

        Assert.Equal(AttestationFailureReason.PlatformMismatch, error.Reason);
        Assert.Equal(VerificationStep.PlatformIdentity, error.Step);
        Assert.Equal("00a067110000", error.Expected);
        Assert.Equal("b0c06f000000", error.Actual);
    }
}
