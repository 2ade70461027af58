using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.Simulation;

namespace BlindAI.Server.Attestation;

/// <summary>
/// The simulated TEE platform of <c>--simulation</c>, kept in <c>&lt;data-dir&gt;/simulation</c> so its PKI survives
/// restarts, with its root certificate written to <c>&lt;data-dir&gt;/simulation-root.pem</c> for clients that choose
/// to trust it. It signs quotes and collateral exactly as Intel's would be shaped; only the root differs.
/// </summary>
internal sealed class SimulationPlatform : ICollateralProvider, IDisposable
{
    /// <summary>The root certificate's file name in the data folder.</summary>
    public const string RootCertificateFileName = "simulation-root.pem";

    /// <summary>The folder of the platform's keys inside the data folder.</summary>
    public const string DirectoryName = "simulation";

    private SimulationPlatform(SimulatedTeePlatform platform, SimulatedTee? tee, string directory, string rootCertificatePath)
    {
        Platform = platform;
        SimulatedQuoteFormat own = platform.QuoteFormat;
        QuoteFormat = tee switch
        {
            SimulatedTee.Sgx => SimulatedQuoteFormat.SgxV3,
            SimulatedTee.Tdx => own == SimulatedQuoteFormat.SgxV3 ? SimulatedQuoteFormat.TdxV4 : own,
            _ => own,
        };
        Directory = directory;
        RootCertificatePath = rootCertificatePath;
    }

    public SimulatedTeePlatform Platform { get; }

    /// <summary>The TEE imitated: the collateral's kind follows it.</summary>
    public SimulatedTee Tee => QuoteFormat == SimulatedQuoteFormat.SgxV3 ? SimulatedTee.Sgx : SimulatedTee.Tdx;

    /// <summary>
    /// The layout of the quotes: SGX v3 of the simulated enclave, or a TDX quote of the simulated trust domain (the
    /// platform's own TDX layout when it has one, else v4).
    /// </summary>
    public SimulatedQuoteFormat QuoteFormat { get; }

    public string Directory { get; }

    public string RootCertificatePath { get; }

    /// <summary>Loads the platform from the data folder, or creates and saves it, and writes the root certificate.</summary>
    public static SimulationPlatform Open(string dataDirectory, SimulatedTee? tee, TimeProvider timeProvider)
    {
        string data = Path.GetFullPath(dataDirectory);
        string directory = Path.Combine(data, DirectoryName);
        System.IO.Directory.CreateDirectory(directory);
        SimulatedTeePlatform platform = SimulatedTeePlatform.LoadOrCreate(directory, timeProvider);
        string rootPath = Path.Combine(data, RootCertificateFileName);
        File.WriteAllText(rootPath, platform.RootCertificate.ExportCertificatePem() + "\n");
        return new SimulationPlatform(platform, tee, directory, rootPath);
    }

    /// <summary>
    /// Signs fresh collateral for the imitated TEE; the one <see cref="CachingCollateralProvider"/> in front keeps it
    /// until its <c>nextUpdate</c>.
    /// </summary>
    public Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default)
    {
        SimulatedCollateral collateral = Platform.CreateCollateral(new SimulatedCollateralOptions { Tdx = Tee == SimulatedTee.Tdx });
        return Task.FromResult(collateral.ToQuoteCollateral());
    }

    public void Dispose() => Platform.Dispose();
}
