using BlindAI.Enclave.Quoting;

namespace BlindAI.Enclave.Simulation;

/// <summary>
/// INSECURE: quotes from a <see cref="SimulatedTeePlatform"/>. They verify only against the simulation root, never
/// against Intel's, and prove nothing about hardware. Register it as the <see cref="IQuoteProvider"/> of a development
/// or test host only; <see cref="QuoteProviderSelector"/> never picks it.
/// </summary>
/// <example>
/// <code>
/// SimulatedTeePlatform platform = SimulatedTeePlatform.LoadOrCreate("/tmp/blindai-simulation");
/// services.AddSingleton&lt;IQuoteProvider&gt;(new SimulatedQuoteProvider(platform, SimulatedQuoteFormat.TdxV4));
/// services.AddBlindAIEnclave(o => o.QuoteProvider = QuoteProviderKind.Simulation); // keeps the provider registered above
/// </code>
/// </example>
public sealed class SimulatedQuoteProvider : IQuoteProvider, IDisposable
{
    private readonly SimulatedTeePlatform _platform;
    private readonly SimulatedQuoteOptions _options;
    private readonly bool _ownsPlatform;

    /// <summary>Creates the provider.</summary>
    /// <param name="platform">The simulated platform (not disposed by the provider).</param>
    /// <param name="format">The quote layout; the platform's own (<see cref="SimulatedTeePlatform.QuoteFormat"/>) when <see langword="null"/>.</param>
    public SimulatedQuoteProvider(SimulatedTeePlatform platform, SimulatedQuoteFormat? format = null)
        : this(platform, new SimulatedQuoteOptions { Format = format }, ownsPlatform: false)
    {
    }

    /// <summary>Creates a provider with per-quote overrides (identities, PCK chain; the platform's when <see langword="null"/>); disposes <paramref name="platform"/> with itself when it owns it.</summary>
    internal SimulatedQuoteProvider(SimulatedTeePlatform platform, SimulatedQuoteOptions? options, bool ownsPlatform = false)
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

        // CreateQuote rejects report data that is not 64 bytes, with the same EvidenceException the real providers throw.
        return Task.FromResult(_platform.CreateQuote(reportData.Span, _options));
    }

    /// <summary>Disposes the platform when this provider owns it; a platform passed in stays the caller's.</summary>
    public void Dispose()
    {
        if (_ownsPlatform)
        {
            _platform.Dispose();
        }
    }
}
