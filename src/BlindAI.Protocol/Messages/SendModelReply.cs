namespace BlindAI.Protocol.Messages;

/// <summary>The body of a successful <c>POST /upload</c>: <c>{hash (32-byte byte string), model_id (text)}</c>.</summary>
/// <param name="Hash">SHA-256 of the uploaded model bytes.</param>
/// <param name="ModelId">The id the server assigned to this upload.</param>
public sealed record SendModelReply(ModelHash Hash, ModelId ModelId);
