using BlindAI.Enclave.Quoting;
using BlindAI.Protocol.Messages;

namespace BlindAI.SampleHost.Attestation;

/// <summary>The TEE the host runs on, chosen once at start: where quotes and collateral come from.</summary>
/// <param name="QuoteProvider">Produces quotes over report data.</param>
/// <param name="Collateral">Gives <c>/collateral</c>; <see langword="null"/> when none is configured (the route then answers <c>attestation-unavailable</c>).</param>
/// <param name="IsSimulation">The simulated platform: no hardware protection at all.</param>
public sealed record EvidencePlatform(IQuoteProvider QuoteProvider, ICollateralSource? Collateral, bool IsSimulation) : IDisposable
{
    /// <summary>The <c>format</c> of fresh evidence replies.</summary>
    public string EvidenceFormat => IsSimulation ? FreshEvidenceReply.SimulatedDcapQuoteFormat
        : QuoteProvider.Kind == QuoteProviderKind.ConfigFsTsm ? FreshEvidenceReply.TdxDcapQuoteFormat
        : FreshEvidenceReply.SgxDcapQuoteFormat;

    /// <inheritdoc />
    public void Dispose()
    {
        (Collateral as IDisposable)?.Dispose();
        (QuoteProvider as IDisposable)?.Dispose();
    }
}
