using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Serves collateral fixed in advance: one or more dcap-qvl bundles (for offline verification, tests and the simulated
/// platform). A request is answered by the bundle with the same TEE type, FMSPC and PCK CA; there is no fallback.
/// </summary>
public sealed class StaticCollateralProvider : ICollateralProvider
{
    private readonly ImmutableArray<QuoteCollateral> bundles;

    /// <summary>Serves the given collateral.</summary>
    /// <param name="collateral">One or more bundles.</param>
    /// <exception cref="ArgumentException">No bundle was given.</exception>
    public StaticCollateralProvider(params IEnumerable<QuoteCollateral> collateral)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        bundles = [.. collateral];
        if (bundles.IsEmpty)
        {
            throw new ArgumentException("A static collateral provider needs at least one bundle.", nameof(collateral));
        }
    }

    /// <summary>The bundles served.</summary>
    public ImmutableArray<QuoteCollateral> Bundles => bundles;

    /// <summary>Reads a dcap-qvl bundle file and serves it.</summary>
    /// <param name="path">The bundle's path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="AttestationFormatException">The file is not a well-formed bundle.</exception>
    public static async Task<StaticCollateralProvider> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return new StaticCollateralProvider(DcapQvlCollateralJson.Parse(bytes));
    }

    /// <inheritdoc />
    public Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var bundle in bundles)
        {
            if (request.IsAnsweredBy(bundle))
            {
                return Task.FromResult(bundle);
            }
        }

        var available = string.Join(", ", bundles.Select(b => $"{b.TcbInfo.Id} fmspc={b.TcbInfo.FmspcHex}"));
        throw new AttestationException(
            AttestationFailureReason.EvidenceMissing,
            VerificationStep.Parse,
            $"No static collateral for {request}; available: {available}.",
            expected: request.ToString(),
            actual: available);
    }
}
