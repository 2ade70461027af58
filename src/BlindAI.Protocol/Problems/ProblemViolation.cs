namespace BlindAI.Protocol.Problems;

/// <summary>One thing wrong with a request, in the <c>violations</c> member: <c>{field, message}</c>.</summary>
/// <param name="Field">The request field, for example <c>inputs[0].info.fact</c>, or <see langword="null"/> for the request as a whole.</param>
/// <param name="Message">What is wrong (never contains tensor or model bytes).</param>
public sealed record ProblemViolation(string? Field, string Message);
