using BlindAI.Enclave.Quoting;

namespace BlindAI.Enclave.Simulation;

/// <summary>Quotes from a <see cref="SimulatedTeePlatform"/>: they verify only against the simulation root, never against Intel's.</summary>
public sealed class SimulatedQuoteProvider : IQuoteProvider, IDisposable
{
    private readonly SimulatedTeePlatform _platform;
    private readonly SimulatedQuoteOptions _options;
    private readonly bool _ownsPlatform;

    /// <summary>Creates the provider.</summary>
    /// <param name="platform">The simulated platform (not disposed by the provider).</param>
    /// <param name="options">Per-quote choices; the platform's defaults when <see langword="null"/>.</param>
    public SimulatedQuoteProvider(SimulatedTeePlatform platform, SimulatedQuoteOptions? options = null)
        : this(platform, options, ownsPlatform: false)
    {
    }

    /// <summary>Creates a provider that disposes <paramref name="platform"/> with itself (the selector's case: it loaded the platform).</summary>
    internal SimulatedQuoteProvider(SimulatedTeePlatform platform, SimulatedQuoteOptions? options, bool ownsPlatform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        _platform = platform;
        _options = options ?? new SimulatedQuoteOptions();
        _ownsPlatform = ownsPlatform;
    }

    /// <inheritdoc />
    public QuoteProviderKind Kind => QuoteProviderKind.Simulation;

    /// <inheritdoc />
    public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        QuoteConstants.ValidateReportData(reportData);
        return Task.FromResult(_platform.CreateQuote(reportData.Span, _options));
    }

    /// <summary>Disposes the platform when this provider loaded it; a platform passed in stays the caller's.</summary>
    public void Dispose()
    {
        if (_ownsPlatform)
        {
            _platform.Dispose();
        }
    }
}
