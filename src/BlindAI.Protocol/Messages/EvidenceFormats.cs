namespace BlindAI.Protocol.Messages;

/// <summary>Values of <see cref="FreshEvidenceReply.Format"/>.</summary>
public static class EvidenceFormats
{
    /// <summary>An Intel SGX DCAP ECDSA quote (v3 or v4), as from Gramine's <c>/dev/attestation/quote</c>.</summary>
    public const string SgxDcapQuote = "sgx-dcap-quote";

    /// <summary>An Intel TDX DCAP quote (v4 or v5), as from configfs-tsm.</summary>
    public const string TdxDcapQuote = "tdx-dcap-quote";

    /// <summary>A quote from the simulated platform: same layout, signed under a simulation root that clients must name explicitly.</summary>
    public const string SimulatedDcapQuote = "simulated-dcap-quote";
}
