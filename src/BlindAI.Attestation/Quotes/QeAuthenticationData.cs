namespace BlindAI.Attestation.Quotes;

/// <summary>The QE authentication data: bytes the quoting enclave chose, bound into its report data together with the attestation key.</summary>
internal sealed class QeAuthenticationData
{
    internal QeAuthenticationData(ReadOnlyMemory<byte> data) => Data = data;

    /// <summary>The bytes (often 32 bytes counting 0..31, possibly empty).</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
