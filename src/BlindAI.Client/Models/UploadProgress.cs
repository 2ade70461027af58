namespace BlindAI.Client.Models;

/// <summary>Progress of a model upload.</summary>
/// <param name="BytesSent">Request bytes sent so far.</param>
/// <param name="TotalBytes">The request's total size (the encoded model plus a few bytes of framing).</param>
public readonly record struct UploadProgress(long BytesSent, long TotalBytes);
