using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Simulation;

namespace BlindAI.HardwareEmulator;

/// <summary>
/// The one "CPU" behind the emulated interfaces: the simulated Intel-shaped PKI with a fixed enclave (SGX) or trust
/// domain (TDX) identity. Quotes are made one at a time, as a platform's quoting enclave serves one request at a time;
/// collateral is re-signed when it is a day old, so it is always inside its 30-day window.
/// </summary>
internal sealed class EmulatedPlatform : IDisposable
{
    private static readonly TimeSpan CollateralLifetime = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly SimulatedTeePlatform _platform;
    private readonly TimeProvider _time;
    private readonly Dictionary<bool, (SimulatedCollateral Collateral, DateTimeOffset Made)> _collateral = [];

    public EmulatedPlatform(SimulatedTeePlatform platform, SimulatedSgxEnclave enclave, SimulatedTdIdentity trustDomain, TimeProvider time)
    {
        _platform = platform;
        Enclave = enclave;
        TrustDomain = trustDomain;
        _time = time;
    }

    public SimulatedSgxEnclave Enclave { get; }

    public SimulatedTdIdentity TrustDomain { get; }

    public X509Certificate2 RootCertificate => _platform.RootCertificate;

    public SimulatedPlatformTcb Tcb => _platform.Options.Platform;

    /// <summary>An SGX v3 quote of <see cref="Enclave"/> over <paramref name="reportData"/> (exactly 64 bytes).</summary>
    public byte[] CreateSgxQuote(ReadOnlySpan<byte> reportData) =>
        CreateQuote(reportData, new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.SgxV3, Enclave = Enclave });

    /// <summary>A TDX v4 quote of <see cref="TrustDomain"/> over <paramref name="reportData"/> (exactly 64 bytes).</summary>
    public byte[] CreateTdxQuote(ReadOnlySpan<byte> reportData) =>
        CreateQuote(reportData, new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV4, TrustDomain = TrustDomain });

    /// <summary>Signed SGX or TDX collateral for this platform, valid now.</summary>
    public SimulatedCollateral Collateral(bool tdx)
    {
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!_collateral.TryGetValue(tdx, out var cached) || now - cached.Made >= CollateralLifetime || now < cached.Made)
            {
                cached = (_platform.CreateCollateral(new SimulatedCollateralOptions { Tdx = tdx }), now);
                _collateral[tdx] = cached;
            }

            return cached.Collateral;
        }
    }

    public void Dispose() => _platform.Dispose();

    private byte[] CreateQuote(ReadOnlySpan<byte> reportData, SimulatedQuoteOptions options)
    {
        lock (_lock)
        {
            return _platform.CreateQuote(reportData, options);
        }
    }
}
