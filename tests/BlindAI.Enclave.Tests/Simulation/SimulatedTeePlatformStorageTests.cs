using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Simulation;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Simulation;

public sealed class SimulatedTeePlatformStorageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_saved_platform_loads_with_the_same_root_keys_and_options()
    {
        var options = new SimulatedPlatformOptions
        {
            Enclave = new SimulatedSgxEnclave { MrEnclave = RandomNumberGenerator.GetBytes(32), IsvSvn = 9 },
            Platform = new SimulatedPlatformTcb { PceSvn = 11, Fmspc = new byte[] { 0, 0x90, 0xC0, 0x6F, 0, 0 } },
            QuoteFormat = SimulatedQuoteFormat.TdxV4,
        };
        using SimulatedTeePlatform original = SimulatedTeePlatform.Create(options);
        original.Save(_dir.Path);

        using SimulatedTeePlatform loaded = SimulatedTeePlatform.Load(_dir.Path);
        Assert.Equal(original.RootCertificate.RawData, loaded.RootCertificate.RawData);
        Assert.Equal(original.PckCertificate.RawData, loaded.PckCertificate.RawData);
        Assert.Equal(original.AttestationPublicKey.ToArray(), loaded.AttestationPublicKey.ToArray());
        Assert.Equal(options.Enclave.MrEnclave.ToArray(), loaded.Options.Enclave.MrEnclave.ToArray());
        Assert.Equal(9, loaded.Options.Enclave.IsvSvn);
        Assert.Equal(11, loaded.Options.Platform.PceSvn);
        Assert.Equal(SimulatedQuoteFormat.TdxV4, loaded.Options.QuoteFormat);

        byte[] quote = loaded.CreateQuote(new byte[64]);
        using ECDsa pck = original.PckCertificate.GetECDsaPublicKey()!;
        QuoteLayout layout = QuoteLayout.Read(quote);
        Assert.True(pck.VerifyData(layout.QeReport, layout.QeReportSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Key_files_are_private_and_the_options_file_is_readable_hex()
    {
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        platform.Save(_dir.Path);
        if (!OperatingSystem.IsWindows())
        {
            foreach (string key in Directory.GetFiles(_dir.Path, "*.key.pem"))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }
        }

        Assert.Equal(5, Directory.GetFiles(_dir.Path, "*.key.pem").Length);
        string json = File.ReadAllText(_dir.Combine(SimulatedTeePlatform.OptionsFileName));
        Assert.Contains(Convert.ToHexStringLower(platform.Options.Enclave.MrEnclave.Span), json, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_creates_once_then_reuses()
    {
        using SimulatedTeePlatform first = SimulatedTeePlatform.LoadOrCreate(_dir.Path);
        using SimulatedTeePlatform second = SimulatedTeePlatform.LoadOrCreate(_dir.Path);
        Assert.Equal(first.RootCertificate.RawData, second.RootCertificate.RawData);
    }

    [Fact]
    public void A_key_that_does_not_match_its_certificate_is_refused()
    {
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        platform.Save(_dir.Path);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(_dir.Combine("pck.key.pem"), other.ExportPkcs8PrivateKeyPem());
        Assert.Throws<InvalidDataException>(() => SimulatedTeePlatform.Load(_dir.Path));
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        platform.Save(_dir.Path);
        File.Delete(_dir.Combine("root-ca.crt.pem"));
        var e = Assert.Throws<InvalidDataException>(() => SimulatedTeePlatform.Load(_dir.Path));
        Assert.Contains("root-ca.crt.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_changes_the_platform_tcb_and_reissues_the_pck_under_the_same_root()
    {
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        using SimulatedTeePlatform older = platform.With(platform.Options with { Platform = platform.Options.Platform with { PceSvn = 5 } });
        Assert.Equal(platform.RootCertificate.RawData, older.RootCertificate.RawData);
        Assert.NotEqual(platform.PckCertificate.RawData, older.PckCertificate.RawData);
        Assert.Equal(5, SgxExtensionReader.Read(older.PckCertificate).Single(e => e.Oid.EndsWith(".2.17", StringComparison.Ordinal)).Value);
    }
}
