using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Pck;
using System.Security.Cryptography;

using BlindAI.Attestation.Collateral;
using BlindAI.Testing;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class CollateralProviderTests
{
    private static readonly CollateralVerifier Intel = new(TrustAnchor.IntelSgxRootCa);

    private static CollateralRequest Request(TeeType tee, string fmspc, PckCaType ca = PckCaType.Platform) => new(tee, Convert.FromHexString(fmspc), ca);

    private static IntelPcsCollateralProvider Pcs(PcsTestServer server, HttpClient http, string? apiKey = null) =>
        new(http, Options.Create(new IntelPcsOptions { BaseAddress = server.BaseAddress, RootCaCrlAddress = new Uri(server.BaseAddress, "IntelSGXRootCA.der"), ApiKey = apiKey }));

    [Fact]
    public async Task Intel_pcs_provider_fetches_sgx_collateral_that_verifies()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();

        var collateral = await Pcs(server, http, apiKey: "secret-key").GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc));

        var verified = Intel.Verify(collateral, CollateralVectors.AutomataNow);
        Assert.Equal(PcsTestServer.SgxFmspc, verified.TcbInfo.FmspcHex);
        Assert.Equal(PckCaType.Platform, verified.PckCaType);
        Assert.Equal(1, server.Count("/sgx/certification/v4/tcb?fmspc=00606a000000"));
        Assert.Equal(1, server.Count("/sgx/certification/v4/pckcrl?ca=platform&encoding=der"));
        Assert.Equal(1, server.Count("/IntelSGXRootCA.der"));
        Assert.Equal("secret-key", server.LastApiKey);
    }

    [Fact]
    public async Task Intel_pcs_provider_uses_the_tdx_paths_for_tdx()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();

        var collateral = await Pcs(server, http).GetCollateralAsync(Request(TeeType.Tdx, PcsTestServer.TdxFmspc));

        var verified = Intel.Verify(collateral, CollateralVectors.AutomataNow);
        verified.EnsureFor(TcbInfoId.Tdx);
        Assert.Equal(1, server.Count("/tdx/certification/v4/qe/identity"));
        Assert.Null(server.LastApiKey);
    }

    [Fact]
    public async Task Unknown_fmspc_is_missing_evidence_with_the_http_status()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<AttestationException>(() => Pcs(server, http).GetCollateralAsync(Request(TeeType.Sgx, "112233445566")));

        Assert.Equal(AttestationFailureReason.EvidenceMissing, error.Reason);
        Assert.Equal("404", error.Actual);
        Assert.Contains("NotFound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Processor_crl_not_served_is_missing_evidence()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();
        var error = await Assert.ThrowsAsync<AttestationException>(() => Pcs(server, http).GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc, PckCaType.Processor)));
        Assert.Equal(AttestationFailureReason.EvidenceMissing, error.Reason);
    }

    [Fact]
    public async Task Response_without_its_issuer_chain_header_is_a_format_error()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();
        var error = await Assert.ThrowsAsync<AttestationFormatException>(() => Pcs(server, http).GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.FmspcWithoutHeaders)));
        Assert.Equal(AttestationFormatErrorReason.MissingField, error.Reason);
        Assert.Contains("TCB-Info-Issuer-Chain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_pcs_is_missing_evidence()
    {
        Uri address;
        await using (var server = await PcsTestServer.StartAsync())
        {
            address = server.BaseAddress;
        }

        using var http = new HttpClient();
        var provider = new IntelPcsCollateralProvider(http, Options.Create(new IntelPcsOptions { BaseAddress = address, RootCaCrlAddress = new Uri(address, "IntelSGXRootCA.der") }));
        var error = await Assert.ThrowsAsync<AttestationException>(() => provider.GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc)));
        Assert.Equal(AttestationFailureReason.EvidenceMissing, error.Reason);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task Cancellation_is_not_turned_into_an_attestation_error()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pcs(server, http).GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc), cancelled.Token));
    }

    [Fact]
    public async Task Pccs_with_a_self_signed_certificate_is_refused_unless_its_hash_is_pinned()
    {
        using var certificate = PcsTestServer.CreateSelfSignedCertificate();
        await using var server = await PcsTestServer.StartAsync(certificate);
        var strict = new PccsOptions { BaseAddress = server.BaseAddress };
        var pinned = new PccsOptions { BaseAddress = server.BaseAddress, DangerousAcceptSelfSignedCertificateSha256 = Convert.ToHexString(SHA256.HashData(certificate.RawData)) };
        var wrongPin = new PccsOptions { BaseAddress = server.BaseAddress, DangerousAcceptSelfSignedCertificateSha256 = new string('a', 64) };
        var request = Request(TeeType.Sgx, PcsTestServer.SgxFmspc);

        foreach (var refused in new[] { strict, wrongPin })
        {
            using var http = new HttpClient(PccsCollateralProvider.CreateHttpMessageHandler(refused));
            var error = await Assert.ThrowsAsync<AttestationException>(() => new PccsCollateralProvider(http, Options.Create(refused)).GetCollateralAsync(request));
            Assert.Equal(AttestationFailureReason.EvidenceMissing, error.Reason);
        }

        using (var http = new HttpClient(PccsCollateralProvider.CreateHttpMessageHandler(pinned)))
        {
            var collateral = await new PccsCollateralProvider(http, Options.Create(pinned)).GetCollateralAsync(request);
            Intel.Verify(collateral, CollateralVectors.AutomataNow);
        }

        Assert.Equal(1, server.Count("/sgx/certification/v4/rootcacrl")); // PCCS path, hex body
    }

    [Theory]
    [InlineData("http://pccs.example/", "https")]
    [InlineData(null, "absolute")]
    public void Invalid_pccs_options_are_rejected(string? address, string message)
    {
        var options = new PccsOptions { BaseAddress = address is null ? null : new Uri(address) };
        using var http = new HttpClient();
        var error = Assert.Throws<OptionsValidationException>(() => new PccsCollateralProvider(http, Options.Create(options)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_must_be_a_sha256()
    {
        var options = new PccsOptions { BaseAddress = new Uri("https://pccs.example/"), DangerousAcceptSelfSignedCertificateSha256 = "abcd" };
        using var http = new HttpClient();
        Assert.Throws<OptionsValidationException>(() => new PccsCollateralProvider(http, Options.Create(options)));
    }

    [Fact]
    public async Task Di_registration_validates_options_and_serves_through_the_cache()
    {
        await using var server = await PcsTestServer.StartAsync();
        var services = new ServiceCollection();
        services.AddIntelPcsCollateralProvider(o =>
        {
            o.BaseAddress = server.BaseAddress;
            o.RootCaCrlAddress = new Uri(server.BaseAddress, "IntelSGXRootCA.der");
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var collateralProvider = provider.GetRequiredService<ICollateralProvider>();
        Assert.IsType<IntelPcsCollateralProvider>(Assert.IsType<CachingCollateralProvider>(collateralProvider).Inner);
        await collateralProvider.GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc));

        var bad = new ServiceCollection();
        bad.AddIntelPcsCollateralProvider(o => o.BaseAddress = new Uri("http://pcs.example/"));
        await using var badProvider = bad.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<IntelPcsOptions>>().Value);
    }

    [Fact]
    public async Task Cache_serves_until_next_update_then_fetches_again()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();
        var clock = new FakeTimeProvider(CollateralVectors.AutomataNow);
        var cache = new CachingCollateralProvider(Pcs(server, http), clock);
        var request = Request(TeeType.Sgx, PcsTestServer.SgxFmspc);

        var first = await cache.GetCollateralAsync(request);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetCollateralAsync(Request(TeeType.Sgx, PcsTestServer.SgxFmspc))));
        Assert.All(results, r => Assert.Same(first, r));
        Assert.Equal(1, server.Count("/sgx/certification/v4/tcb"));

        clock.SetUtcNow(first.NextUpdate);
        var refreshed = await cache.GetCollateralAsync(request);

        Assert.NotSame(first, refreshed);
        Assert.Equal(2, server.Count("/sgx/certification/v4/tcb"));
    }

    [Fact]
    public async Task Cache_does_not_keep_failures()
    {
        await using var server = await PcsTestServer.StartAsync();
        using var http = new HttpClient();
        var cache = new CachingCollateralProvider(Pcs(server, http), new FakeTimeProvider(CollateralVectors.AutomataNow));
        var request = Request(TeeType.Sgx, "112233445566");

        await Assert.ThrowsAsync<AttestationException>(() => cache.GetCollateralAsync(request));
        await Assert.ThrowsAsync<AttestationException>(() => cache.GetCollateralAsync(request));

        Assert.Equal(2, server.Count("/sgx/certification/v4/tcb"));
    }

    [Fact]
    public async Task Cache_keys_by_tee_fmspc_and_ca()
    {
        var sgx = CollateralVectors.SgxBundle();
        var tdx = CollateralVectors.TdxBundle();
        var cache = new CachingCollateralProvider(new StaticCollateralProvider(sgx, tdx), new FakeTimeProvider(CollateralVectors.SgxNow));

        Assert.Same(sgx, await cache.GetCollateralAsync(Request(TeeType.Sgx, sgx.TcbInfo.FmspcHex, PckCaType.Processor)));
        Assert.Same(tdx, await cache.GetCollateralAsync(Request(TeeType.Tdx, tdx.TcbInfo.FmspcHex, PckCaType.Platform)));
    }

    [Fact]
    public async Task Static_provider_answers_only_matching_requests()
    {
        var provider = await StaticCollateralProvider.FromFileAsync(TestPaths.TestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"));

        var collateral = await provider.GetCollateralAsync(Request(TeeType.Sgx, "00a067110000", PckCaType.Processor));
        Intel.Verify(collateral, CollateralVectors.SgxNow);

        foreach (var wrong in new[] { Request(TeeType.Tdx, "00a067110000", PckCaType.Processor), Request(TeeType.Sgx, "00a067110001", PckCaType.Processor), Request(TeeType.Sgx, "00a067110000", PckCaType.Platform) })
        {
            var error = await Assert.ThrowsAsync<AttestationException>(() => provider.GetCollateralAsync(wrong));
            Assert.Equal(AttestationFailureReason.EvidenceMissing, error.Reason);
        }
    }

    [Fact]
    public void Requests_need_a_six_byte_fmspc()
    {
        Assert.Throws<ArgumentException>(() => new CollateralRequest(TeeType.Sgx, new byte[5], PckCaType.Platform));
        Assert.Equal(Request(TeeType.Sgx, "00A067110000"), Request(TeeType.Sgx, "00a067110000"));
    }

    [Fact]
    public async Task Di_pccs_registration_wires_the_pinning_handler()
    {
        using var certificate = PcsTestServer.CreateSelfSignedCertificate();
        await using var server = await PcsTestServer.StartAsync(certificate);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(CollateralVectors.AutomataNow));
        services.AddPccsCollateralProvider(o =>
        {
            o.BaseAddress = server.BaseAddress;
            o.DangerousAcceptSelfSignedCertificateSha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var collateral = await provider.GetRequiredService<ICollateralProvider>().GetCollateralAsync(Request(TeeType.Tdx, PcsTestServer.TdxFmspc));

        Intel.Verify(collateral, CollateralVectors.AutomataNow).EnsureFor(TcbInfoId.Tdx);
    }

    [Fact]
    public async Task Di_static_registration_serves_the_bundles()
    {
        var services = new ServiceCollection();
        services.AddStaticCollateralProvider(CollateralVectors.SgxBundle(), CollateralVectors.TdxBundle());
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var collateral = await provider.GetRequiredService<ICollateralProvider>().GetCollateralAsync(Request(TeeType.Tdx, "b0c06f000000", PckCaType.Platform));

        Assert.Equal(TcbInfoId.Tdx, collateral.TcbInfo.Id);
    }
}
