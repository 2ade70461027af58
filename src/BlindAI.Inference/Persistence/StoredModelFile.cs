using System.Text.Json.Serialization;

namespace BlindAI.Inference.Persistence;

/// <summary>The JSON form of a <see cref="StoredModel"/> inside a protected record file.</summary>
internal sealed record StoredModelFile(Guid Id, string Sha256, string? Name, bool Optimize, DateTimeOffset UploadedAt)
{
    public static StoredModelFile From(StoredModel model) => new(model.Id, model.Sha256, model.Name, model.Optimize, model.UploadedAt);

    public StoredModel ToModel() => new() { Id = Id, Sha256 = Sha256, Name = Name, Optimize = Optimize, UploadedAt = UploadedAt };
}

[JsonSerializable(typeof(StoredModelFile))]
internal sealed partial class StoredModelJson : JsonSerializerContext;
