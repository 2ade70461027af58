using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Enclave.Simulation;

namespace BlindAI.Enclave.Tests.Simulation;

/// <summary>The simulator's quotes and collateral read back through BlindAI.Attestation's real parsers.</summary>
public sealed class SimulatedOutputParsesWithAttestationTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public SimulatedOutputParsesWithAttestationTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    [Theory]
    [InlineData(SimulatedQuoteFormat.SgxV3, 3, "SgxEnclaveReport")]
    [InlineData(SimulatedQuoteFormat.TdxV4, 4, "TdReport10")]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport10, 5, "TdReport10")]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport15, 5, "TdReport15")]
    public void Quotes_parse_with_the_values_the_platform_was_given(SimulatedQuoteFormat format, int version, string bodyType)
    {
        byte[] reportData = RandomNumberGenerator.GetBytes(64);
        Quote quote = Quote.Parse(_platform.CreateQuote(reportData, new SimulatedQuoteOptions { Format = format }));

        Assert.Equal(version, quote.Version);
        Assert.Equal(bodyType, quote.BodyType.ToString());
        Assert.Equal(reportData, quote.ReportData.Span.ToArray());
        Assert.Equal(_platform.AttestationPublicKey.ToArray(), quote.SignatureData.AttestationKey.Raw.ToArray());
        Assert.Equal(_platform.PckCertificate.RawData, quote.SignatureData.PckCertificateChain.LeafDer.ToArray());
        Assert.Equal(_platform.RootCertificate.RawData, quote.SignatureData.PckCertificateChain.RootDer.ToArray());
        Assert.Equal(Convert.ToHexStringLower(_platform.Options.Platform.Fmspc.Span), quote.SignatureData.PckCertificateChain.Extensions.Fmspc.ToString());
        Assert.Equal(_platform.Options.Platform.SgxTcbComponents.ToArray(), quote.SignatureData.PckCertificateChain.Extensions.Tcb.SgxTcbComponents.ToArray());
        Assert.Equal(_platform.Options.Platform.PceSvn, quote.SignatureData.PckCertificateChain.Extensions.Tcb.PceSvn);
        Assert.Equal(_platform.Options.QuotingEnclave.IsvSvn, quote.SignatureData.QeReport.IsvSvn);
        if (format == SimulatedQuoteFormat.SgxV3)
        {
            Assert.Equal(_platform.Options.Enclave.MrEnclave.ToArray(), quote.SgxReport!.MrEnclave.Span.ToArray());
            Assert.False(quote.IsDebug);
        }
        else
        {
            Assert.Equal(_platform.Options.TrustDomain.MrTd.ToArray(), quote.TdReport!.MrTd.Span.ToArray());
            Assert.Equal(_platform.Options.Platform.TeeTcbSvn.ToArray(), quote.TdReport.TeeTcbSvn.Span.ToArray());
        }
    }

    [Fact]
    public void Debug_enclaves_parse_as_debug()
    {
        var enclave = new SimulatedSgxEnclave { AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag };
        Assert.True(Quote.Parse(_platform.CreateQuote(new byte[64], new SimulatedQuoteOptions { Enclave = enclave })).IsDebug);
        var td = new SimulatedTdIdentity { TdAttributes = SimulatedTdIdentity.SeptVeDisableFlag | SimulatedTdIdentity.DebugFlag };
        Assert.True(Quote.Parse(_platform.CreateQuote(new byte[64], new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV4, TrustDomain = td })).IsDebug);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dcap_qvl_bundle_parses_and_its_signatures_verify(bool tdx)
    {
        SimulatedCollateral simulated = _platform.CreateCollateral(new SimulatedCollateralOptions
        {
            Tdx = tdx,
            PlatformTcbStatus = TcbStatus.SWHardeningNeeded,
            PlatformAdvisoryIds = ["INTEL-SA-00615"],
        });
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(simulated.ToDcapQvlJson()));

        Assert.Equal(tdx ? TcbInfoId.Tdx : TcbInfoId.Sgx, collateral.TcbInfo.Id);
        Assert.Equal(3, collateral.TcbInfo.Version);
        Assert.Equal(Convert.ToHexStringLower(_platform.Options.Platform.Fmspc.Span), collateral.TcbInfo.FmspcHex);
        TcbLevel level = Assert.Single(collateral.TcbInfo.TcbLevels);
        Assert.Equal(TcbStatus.SWHardeningNeeded, level.TcbStatus);
        Assert.Equal(new[] { "INTEL-SA-00615" }, level.AdvisoryIds.ToArray());
        Assert.Equal(tdx ? EnclaveIdentityId.TdQe : EnclaveIdentityId.Qe, collateral.QeIdentity.Id);
        Assert.Equal(_platform.Options.QuotingEnclave.MrSigner.ToArray(), collateral.QeIdentity.MrSigner.ToArray());
        if (tdx)
        {
            Assert.NotNull(collateral.TcbInfo.TdxModule);
            Assert.Single(collateral.TcbInfo.TdxModuleIdentities);
        }

        using ECDsa signer = collateral.TcbInfoIssuerChain.Certificates[0].GetECDsaPublicKey()!;
        Assert.True(signer.VerifyData(collateral.TcbInfo.RawJson.Span, collateral.TcbInfoSignature.AsSpan(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(signer.VerifyData(collateral.QeIdentity.RawJson.Span, collateral.QeIdentitySignature.AsSpan(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(_platform.RootCertificate.RawData, collateral.TcbInfoIssuerChain.Certificates[^1].RawData);
        Assert.Equal(_platform.PckPlatformCaCertificate.SubjectName.RawData, collateral.PckCrl.Issuer.RawData);
        Assert.Equal(_platform.RootCertificate.SubjectName.RawData, collateral.RootCaCrl.Issuer.RawData);
    }

    [Fact]
    public void Pcs_shaped_responses_parse_into_the_same_collateral()
    {
        SimulatedCollateral simulated = _platform.CreateCollateral();
        QuoteCollateral collateral = QuoteCollateral.FromPcsResponses(new PcsCollateralResponses
        {
            TcbInfoBody = Encoding.UTF8.GetBytes(simulated.ToPcsTcbInfoResponse()),
            TcbInfoIssuerChain = simulated.TcbInfoIssuerChain,
            QeIdentityBody = Encoding.UTF8.GetBytes(simulated.ToPcsQeIdentityResponse()),
            QeIdentityIssuerChain = simulated.QeIdentityIssuerChain,
            PckCrl = simulated.PckCrl,
            PckCrlIssuerChain = simulated.PckCrlIssuerChain,
            RootCaCrl = simulated.RootCaCrl,
        });
        Assert.Equal(simulated.TcbInfo, Encoding.UTF8.GetString(collateral.TcbInfo.RawJson.Span));
        Assert.Equal(simulated.QeIdentity, Encoding.UTF8.GetString(collateral.QeIdentity.RawJson.Span));
    }

    [Fact]
    public void Revocation_shows_in_the_parsed_crls()
    {
        QuoteCollateral clean = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(_platform.CreateCollateral().ToDcapQvlJson()));
        QuoteCollateral revoked = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(_platform.CreateCollateral(new SimulatedCollateralOptions
        {
            RevokePckCertificate = true,
            RevokePckPlatformCa = true,
        }).ToDcapQvlJson()));
        Assert.False(clean.PckCrl.IsRevoked(_platform.PckCertificate));
        Assert.True(revoked.PckCrl.IsRevoked(_platform.PckCertificate));
        Assert.True(revoked.RootCaCrl.IsRevoked(_platform.PckPlatformCaCertificate));
        Assert.False(revoked.RootCaCrl.IsRevoked(_platform.TcbSigningCertificate));
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.UpToDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.SWHardeningNeeded)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.ConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.ConfigurationAndSWHardeningNeeded)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.Revoked, TcbStatus.Revoked)]
    public void Every_tcb_status_is_written_as_attestation_reads_it(TcbStatus simulated, TcbStatus expected)
    {
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(_platform.CreateCollateral(new SimulatedCollateralOptions
        {
            PlatformTcbStatus = simulated,
            QeTcbStatus = simulated,
        }).ToDcapQvlJson()));
        Assert.Equal(expected, collateral.TcbInfo.TcbLevels[0].TcbStatus);
        Assert.Equal(expected, collateral.QeIdentity.TcbLevels[0].TcbStatus);
    }
}
