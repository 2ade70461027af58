using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Simulation;

namespace BlindAI.Enclave.Tests.Simulation;

public sealed class SimulatedTeePlatformQuoteTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public SimulatedTeePlatformQuoteTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    private static byte[] SomeReportData() => Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(SimulatedQuoteFormat.SgxV3, 3, 0x00u, 384, 5)]
    [InlineData(SimulatedQuoteFormat.TdxV4, 4, 0x81u, 584, 6)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport10, 5, 0x81u, 584, 6)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport15, 5, 0x81u, 648, 6)]
    public void Quote_has_the_documented_layout_and_valid_signatures(SimulatedQuoteFormat format, int version, uint teeType, int bodyLength, int outerCertificationType)
    {
        byte[] quote = _platform.CreateQuote(SomeReportData(), new SimulatedQuoteOptions { Format = format });
        QuoteLayout layout = QuoteLayout.Read(quote);

        Assert.Equal(version, layout.Version);
        Assert.Equal(teeType, layout.TeeType);
        Assert.Equal(bodyLength, layout.BodyLength);
        Assert.Equal(outerCertificationType, layout.OuterCertificationType);
        Assert.Equal(quote.Length, layout.TotalLength);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(2)));
        Assert.Equal("939a7233f79c4ca9940a0db3957f0607", Convert.ToHexStringLower(quote.AsSpan(12, 16)));
        Assert.Equal(SomeReportData(), layout.ReportData);

        // Quote signature: attestation key over header + body.
        using var attestationKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = layout.AttestationKey[..32], Y = layout.AttestationKey[32..] },
        });
        Assert.True(attestationKey.VerifyData(layout.SignedPart, layout.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(_platform.AttestationPublicKey.ToArray(), layout.AttestationKey);

        // QE report: signed by the PCK key; report data binds the attestation key and QE auth data.
        X509Certificate2Collection chain = [];
        chain.ImportFromPem(layout.PckChainPem.TrimEnd('\0'));
        Assert.Equal(3, chain.Count);
        Assert.Equal(_platform.PckCertificate.RawData, chain[0].RawData);
        Assert.Equal(_platform.PckPlatformCaCertificate.RawData, chain[1].RawData);
        Assert.Equal(_platform.RootCertificate.RawData, chain[2].RawData);
        Assert.EndsWith("\0", layout.PckChainPem, StringComparison.Ordinal);
        using ECDsa pckKey = chain[0].GetECDsaPublicKey()!;
        Assert.True(pckKey.VerifyData(layout.QeReport, layout.QeReportSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(SHA256.HashData([.. layout.AttestationKey, .. layout.QeAuthData]), layout.QeReport[320..352]);
        Assert.Equal(new byte[32], layout.QeReport[352..384]);
        Assert.Equal(_platform.Options.QuotingEnclave.MrSigner.ToArray(), layout.QeReport[128..160]);
        ushort expectedQeProdId = teeType == 0x81 ? _platform.Options.QuotingEnclave.TdxIsvProdId : _platform.Options.QuotingEnclave.SgxIsvProdId;
        Assert.Equal(expectedQeProdId, BinaryPrimitives.ReadUInt16LittleEndian(layout.QeReport.AsSpan(256)));

        // Header SVNs.
        Assert.Equal(_platform.Options.QuotingEnclave.IsvSvn, BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(8)));
        Assert.Equal(_platform.Options.Platform.PceSvn, BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(10)));
    }

    [Fact]
    public void Sgx_body_carries_the_configured_identity()
    {
        var enclave = new SimulatedSgxEnclave
        {
            MrEnclave = RandomNumberGenerator.GetBytes(32),
            MrSigner = RandomNumberGenerator.GetBytes(32),
            IsvProdId = 7,
            IsvSvn = 3,
            AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag,
        };
        QuoteLayout layout = QuoteLayout.Read(_platform.CreateQuote(SomeReportData(), new SimulatedQuoteOptions { Enclave = enclave }));
        byte[] body = layout.Body;
        Assert.Equal(enclave.MrEnclave.ToArray(), body[64..96]);
        Assert.Equal(enclave.MrSigner.ToArray(), body[128..160]);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(256)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(258)));
        Assert.Equal(0x7UL, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(48)));
        Assert.Equal(0xE7UL, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(56)));
        Assert.Equal(_platform.Options.Platform.CpuSvn.ToArray(), body[..16]);
    }

    [Fact]
    public void Td_body_carries_the_configured_identity_and_tee_tcb_svn()
    {
        var td = new SimulatedTdIdentity { MrTd = RandomNumberGenerator.GetBytes(48), TdAttributes = SimulatedTdIdentity.SeptVeDisableFlag | SimulatedTdIdentity.DebugFlag };
        QuoteLayout layout = QuoteLayout.Read(_platform.CreateQuote(SomeReportData(), new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV5TdReport15, TrustDomain = td }));
        byte[] body = layout.Body;
        Assert.Equal(_platform.Options.Platform.TeeTcbSvn.ToArray(), body[..16]);
        Assert.Equal(_platform.Options.Platform.MrSeam.ToArray(), body[16..64]);
        Assert.Equal(new byte[48], body[64..112]);
        Assert.Equal(td.TdAttributes, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(120)));
        Assert.Equal(td.MrTd.ToArray(), body[136..184]);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(td.Rtmrs[i].ToArray(), body[(328 + (48 * i))..(376 + (48 * i))]);
        }

        Assert.Equal(_platform.Options.Platform.TeeTcbSvn.ToArray(), body[584..600]);
    }

    [Fact]
    public void Quotes_are_about_the_size_of_real_dcap_quotes()
    {
        byte[] quote = _platform.CreateQuote(SomeReportData());
        Assert.InRange(quote.Length, 2500, 8192);
    }

    [Fact]
    public void Refuses_report_data_that_is_not_64_bytes()
    {
        var e = Assert.Throws<EvidenceException>(() => _platform.CreateQuote(new byte[32]));
        Assert.Equal(EnclaveErrorReason.InvalidReportData, e.Reason);
    }

    [Fact]
    public async Task Simulated_quote_provider_uses_the_platform()
    {
        var provider = new SimulatedQuoteProvider(_platform, new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV4 });
        byte[] quote = await provider.GetQuoteAsync(SomeReportData(), CancellationToken.None);
        Assert.Equal(4, QuoteLayout.Read(quote).Version);
        Assert.Equal(QuoteProviderKind.Simulation, provider.Kind);
        await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[63], CancellationToken.None));
    }
}
