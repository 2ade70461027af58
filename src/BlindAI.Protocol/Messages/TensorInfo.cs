using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// The <c>info</c> map of a <see cref="SerializedTensor"/>: <c>{fact, datum_type, node_name}</c>, exactly these keys
/// (the original Python client passes the map to a constructor, so an extra key would break it).
/// </summary>
/// <param name="Fact">The shape (<c>fact</c>, array of unsigned integers; empty for a scalar).</param>
/// <param name="DatumType">
/// The element type (<c>datum_type</c>): a variant index on requests (the Python client's IntEnum), the variant name
/// (for example <c>"F32"</c>) on replies, as the original server wrote it. Both forms are accepted when decoding.
/// </param>
/// <param name="NodeName">The model input or output name (<c>node_name</c>), or <see langword="null"/> for a positional input.</param>
internal sealed record TensorInfo(ImmutableArray<long> Fact, TensorElementType DatumType, string? NodeName);
