using BlindAI.Protocol.Tensors;

namespace BlindAI.Inference;

/// <summary>What a model declares for one of its inputs or outputs.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ElementType">The element type.</param>
/// <param name="Shape">
/// The dimensions; <see langword="null"/> entries are symbolic (any size is accepted). The whole list is
/// <see langword="null"/> when the model declares no shape (any rank is accepted).
/// </param>
public sealed record TensorSpec(string Name, TensorElementType ElementType, IReadOnlyList<long?>? Shape)
{
    /// <summary>The shape as text, for example <c>[batch, 3, 224, 224]</c> with <c>?</c> for symbolic dimensions.</summary>
    /// <returns>The shape text.</returns>
    public string FormatShape() =>
        Shape is null ? "[any rank]" : "[" + string.Join(", ", Shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")) + "]";
}
