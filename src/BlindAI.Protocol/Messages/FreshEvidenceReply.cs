namespace BlindAI.Protocol.Messages;

/// <summary>
/// Extension (reply to <see cref="FreshEvidenceRequest"/>): <c>{format, evidence, nonce}</c>. The evidence's report
/// data is <c>SHA-256(certificate binding) || nonce</c>; the client checks the echoed nonce and, after verifying the
/// evidence, that its report data ends with that nonce.
/// </summary>
/// <param name="Format">What <paramref name="Evidence"/> is (<c>format</c>), one of <see cref="EvidenceFormats"/>.</param>
/// <param name="Evidence">The raw quote (<c>evidence</c>, byte string).</param>
/// <param name="Nonce">The request's nonce, echoed (<c>nonce</c>, 32-byte byte string).</param>
public sealed record FreshEvidenceReply(string Format, ReadOnlyMemory<byte> Evidence, ReadOnlyMemory<byte> Nonce);
