using BlindAI.Enclave.Quoting;

namespace BlindAI.Enclave.Simulation;

/// <summary>Quotes from a <see cref="SimulatedTeePlatform"/>: they verify only against the simulation root, never against Intel's.</summary>
public sealed class SimulatedQuoteProvider : IQuoteProvider
{
    private readonly SimulatedTeePlatform _platform;
    private readonly SimulatedQuoteOptions _options;

    /// <summary>Creates the provider.</summary>
    /// <param name="platform">The simulated platform (not disposed by the provider).</param>
    /// <param name="options">Per-quote choices; the platform's defaults when <see langword="null"/>.</param>
    public SimulatedQuoteProvider(SimulatedTeePlatform platform, SimulatedQuoteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        _platform = platform;
        _options = options ?? new SimulatedQuoteOptions();
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
}
