using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.Quoting;
using BlindAI.Protocol.Messages;

namespace BlindAI.Server.Attestation;

/// <summary>The TEE the server runs on, as registered: where quotes and collateral come from.</summary>
/// <param name="QuoteProvider">Produces quotes over report data.</param>
/// <param name="Collateral">Gives <c>/collateral</c>; <see langword="null"/> when none is configured (the route then answers <c>attestation-unavailable</c>).</param>
internal sealed record EvidencePlatform(IQuoteProvider QuoteProvider, ICollateralProvider? Collateral)
{
    /// <summary>The simulated platform: no hardware protection at all.</summary>
    public bool IsSimulation => QuoteProvider.Kind == QuoteProviderKind.Simulation;

    /// <summary>The <c>format</c> of fresh evidence replies.</summary>
    public string EvidenceFormat => IsSimulation ? FreshEvidenceReply.SimulatedDcapQuoteFormat
        : QuoteProvider.Kind == QuoteProviderKind.ConfigFsTsm ? FreshEvidenceReply.TdxDcapQuoteFormat
        : FreshEvidenceReply.SgxDcapQuoteFormat;
}
