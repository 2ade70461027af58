namespace BlindAI.Protocol.Messages;

/// <summary>Names of the protocol extensions a server can announce in <see cref="ServerCapabilities.Extensions"/>.</summary>
public static class ProtocolExtensions
{
    /// <summary><c>POST /evidence</c>: evidence bound to a client nonce.</summary>
    public const string FreshEvidence = "fresh-evidence";

    /// <summary>Errors as RFC 9457 problem details (JSON or CBOR by <c>Accept</c>) instead of a CBOR text string.</summary>
    public const string ProblemDetails = "problem-details";

    /// <summary>Datum types <c>F16</c> (11) and <c>BF16</c> (12).</summary>
    public const string HalfPrecisionTensors = "tensor-f16-bf16";

    /// <summary>Datum type <c>String</c> (13) with elements in <c>string_data</c>.</summary>
    public const string StringTensors = "tensor-string";

    /// <summary>Model management requires a bearer token.</summary>
    public const string ManagementAuthorization = "management-authorization";
}
