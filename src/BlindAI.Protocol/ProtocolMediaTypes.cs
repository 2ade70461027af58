namespace BlindAI.Protocol;

/// <summary>Media types of protocol bodies.</summary>
public static class ProtocolMediaTypes
{
    /// <summary>Every message body of the original protocol.</summary>
    public const string Cbor = "application/cbor";

    /// <summary>RFC 9457 problem details as JSON.</summary>
    public const string ProblemJson = "application/problem+json";

    /// <summary>
    /// Problem details as CBOR: the JSON members mapped one to one onto a CBOR map with text keys (not RFC 9290's
    /// integer-keyed concise problem details).
    /// </summary>
    public const string ProblemCbor = "application/problem+cbor";
}
