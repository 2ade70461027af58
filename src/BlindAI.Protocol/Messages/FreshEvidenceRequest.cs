namespace BlindAI.Protocol.Messages;

/// <summary>
/// Extension (body of <c>POST /evidence</c>, untrusted port): asks for evidence made now and bound to a client nonce,
/// <c>{nonce (32-byte byte string)}</c>. The original protocol had no such message (its quote was made once at boot).
/// </summary>
/// <param name="Nonce">32 random bytes chosen by the client.</param>
public sealed record FreshEvidenceRequest(ReadOnlyMemory<byte> Nonce)
{
    /// <summary>The nonce length: it fills the second half of the 64-byte report data.</summary>
    public const int NonceLength = 32;

    /// <summary>Creates a request with a fresh random nonce.</summary>
    /// <returns>The request.</returns>
    public static FreshEvidenceRequest CreateRandom() =>
        new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(NonceLength));
}
