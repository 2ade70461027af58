namespace BlindAI.Protocol.Messages;

/// <summary>
/// Extension (reply to <c>POST /evidence</c>): <c>{format, evidence, nonce}</c>. The evidence's report
/// data is <c>SHA-256(certificate binding) || nonce</c>; the client checks the echoed nonce and, after verifying the
/// evidence, that its report data ends with that nonce.
/// </summary>
/// <param name="Format">What <paramref name="Evidence"/> is (<c>format</c>): <see cref="SgxDcapQuoteFormat"/>, <see cref="TdxDcapQuoteFormat"/> or <see cref="SimulatedDcapQuoteFormat"/>.</param>
/// <param name="Evidence">The raw quote (<c>evidence</c>, byte string).</param>
/// <param name="Nonce">The request's nonce, echoed (<c>nonce</c>, <see cref="NonceLength"/>-byte byte string).</param>
public sealed record FreshEvidenceReply(string Format, ReadOnlyMemory<byte> Evidence, ReadOnlyMemory<byte> Nonce)
{
    /// <summary>The nonce length of a request and its reply: it fills the second half of the 64-byte report data.</summary>
    public const int NonceLength = 32;

    /// <summary><see cref="Format"/> of an Intel SGX DCAP ECDSA quote (v3 or v4), as from Gramine's <c>/dev/attestation/quote</c>.</summary>
    public const string SgxDcapQuoteFormat = "sgx-dcap-quote";

    /// <summary><see cref="Format"/> of an Intel TDX DCAP quote (v4 or v5), as from configfs-tsm.</summary>
    public const string TdxDcapQuoteFormat = "tdx-dcap-quote";

    /// <summary><see cref="Format"/> of a quote from the simulated platform: same layout, signed under a simulation root that clients must name explicitly.</summary>
    public const string SimulatedDcapQuoteFormat = "simulated-dcap-quote";
}
