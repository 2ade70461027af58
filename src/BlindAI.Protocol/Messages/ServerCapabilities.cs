using System.Collections.Immutable;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// Extension (body of <c>GET /version</c>, untrusted port): what the server is and supports,
/// <c>{server, version, protocol, extensions, datum_types, max_request_bytes, max_model_bytes, simulation}</c>.
/// Decoders ignore keys they do not know, so later servers may add some.
/// </summary>
/// <param name="Server">Server product name (<c>server</c>), for example <c>blindai-dotnet</c>.</param>
/// <param name="Version">Server version (<c>version</c>).</param>
/// <param name="Protocol">Base wire protocol (<c>protocol</c>), <see cref="BaseProtocol"/>.</param>
/// <param name="Extensions">Supported extensions (<c>extensions</c>), for example <see cref="FreshEvidenceExtension"/>.</param>
/// <param name="DatumTypes">Accepted datum type names (<c>datum_types</c>), for example <c>F32</c>, <c>F16</c>.</param>
/// <param name="MaxRequestBytes">Largest accepted run request (<c>max_request_bytes</c>).</param>
/// <param name="MaxModelBytes">Largest accepted model (<c>max_model_bytes</c>).</param>
/// <param name="Simulation">Whether the server runs without a real TEE (<c>simulation</c>).</param>
public sealed record ServerCapabilities(
    string Server,
    string Version,
    string Protocol,
    ImmutableArray<string> Extensions,
    ImmutableArray<string> DatumTypes,
    ulong MaxRequestBytes,
    ulong MaxModelBytes,
    bool Simulation)
{
    /// <summary>The base protocol this library speaks.</summary>
    public const string BaseProtocol = "blindai-0.6";

    /// <summary>Extension name: <c>POST /evidence</c>, evidence bound to a client nonce.</summary>
    public const string FreshEvidenceExtension = "fresh-evidence";

    /// <summary>Extension name: errors as RFC 9457 problem details (JSON or CBOR by <c>Accept</c>) instead of a CBOR text string.</summary>
    public const string ProblemDetailsExtension = "problem-details";

    /// <summary>Extension name: datum types <c>F16</c> (11) and <c>BF16</c> (12).</summary>
    public const string HalfPrecisionTensorsExtension = "tensor-f16-bf16";

    /// <summary>Extension name: datum type <c>String</c> (13) with elements in <c>string_data</c>.</summary>
    public const string StringTensorsExtension = "tensor-string";

    /// <summary>Extension name: model management requires a bearer token.</summary>
    public const string ManagementAuthorizationExtension = "management-authorization";

    /// <summary>The wire names of every datum type this library encodes and decodes, in datum-type order (for <see cref="DatumTypes"/>).</summary>
    public static ImmutableArray<string> SupportedDatumTypes { get; } =
        [.. Enum.GetValues<Tensors.TensorElementType>().Select(Tensors.Tensor.GetWireName)];
}
