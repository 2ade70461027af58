using BlindAI.Protocol.Messages;

namespace BlindAI.Client.Models;

/// <summary>A model the server accepted.</summary>
/// <param name="Id">Its id: run or delete it with this.</param>
/// <param name="Hash">SHA-256 of its bytes, checked against the client's own hash; identical uploads share it.</param>
/// <param name="Name">The name it was uploaded under.</param>
/// <param name="Length">Its size in bytes.</param>
public sealed record UploadedModel(ModelId Id, ModelHash Hash, string Name, long Length);
