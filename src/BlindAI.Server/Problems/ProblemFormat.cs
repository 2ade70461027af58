namespace BlindAI.Server.Problems;

/// <summary>How an error response is written.</summary>
internal enum ProblemFormat
{
    /// <summary>As the original BlindAI 0.6 server: CBOR text string (or an empty 404).</summary>
    Original,

    /// <summary><c>application/problem+json</c>.</summary>
    Json,

    /// <summary><c>application/problem+cbor</c>.</summary>
    Cbor,
}
