namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The raw pieces of collateral as Intel PCS or a PCCS serve them (bodies and issuer chain headers), before parsing.
/// Turn them into <see cref="QuoteCollateral"/> with <see cref="QuoteCollateral.FromPcsResponses"/>.
/// </summary>
public sealed record PcsCollateralResponses
{
    /// <summary>The TCB Info response body: <c>{"tcbInfo":{…},"signature":"&lt;hex&gt;"}</c>.</summary>
    public required ReadOnlyMemory<byte> TcbInfoBody { get; init; }

    /// <summary>The <c>TCB-Info-Issuer-Chain</c> header (or <c>SGX-TCB-Info-Issuer-Chain</c>): percent-encoded or plain PEM.</summary>
    public required string TcbInfoIssuerChain { get; init; }

    /// <summary>The QE Identity response body: <c>{"enclaveIdentity":{…},"signature":"&lt;hex&gt;"}</c>.</summary>
    public required ReadOnlyMemory<byte> QeIdentityBody { get; init; }

    /// <summary>The <c>SGX-Enclave-Identity-Issuer-Chain</c> header: percent-encoded or plain PEM.</summary>
    public required string QeIdentityIssuerChain { get; init; }

    /// <summary>The PCK CRL body: DER, PEM or hex text.</summary>
    public required ReadOnlyMemory<byte> PckCrl { get; init; }

    /// <summary>The <c>SGX-PCK-CRL-Issuer-Chain</c> header: percent-encoded or plain PEM.</summary>
    public required string PckCrlIssuerChain { get; init; }

    /// <summary>The Intel SGX Root CA CRL: DER, PEM or hex text.</summary>
    public required ReadOnlyMemory<byte> RootCaCrl { get; init; }
}
