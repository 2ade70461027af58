using BlindAI.Protocol.Messages;

namespace BlindAI.SampleHost.Attestation;

/// <summary>Where <c>GET /collateral</c> gets the verification collateral of the host's quote.</summary>
public interface ICollateralSource
{
    /// <summary>Gets the collateral for <paramref name="quote"/>'s platform.</summary>
    /// <param name="quote">The quote served on <c>/quote</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The collateral in the original wire shape, and when it must be fetched again.</returns>
    Task<CollateralSnapshot> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken);
}
