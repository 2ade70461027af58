using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BlindAI.Attestation.Cryptography;

/// <summary>
/// Verifies ECDSA P-256 / SHA-256 signatures with public keys given as their 64-byte x‖y point, keeping the imported
/// keys for the life of the process.
/// </summary>
/// <remarks>
/// With OpenSSL 3, importing a P-256 public key costs more than verifying a signature with it, and freeing it (done by
/// the finalizer thread when nobody disposes it) nearly as much again. The keys that verify DCAP evidence recur: the
/// Intel CAs and TCB signing key for every quote, a platform's PCK key and its quoting enclave's attestation key for
/// every quote of that platform. A cached key is only ever looked up by its exact point bytes, so the cache cannot
/// change what verifies; an attacker who sends many distinct keys only fills it, after which keys are imported and
/// disposed per use. Invalid points are never cached.
/// </remarks>
internal static class P256PublicKeys
{
    private const int Capacity = 1024;
    private const int PointSize = 64;

    private static readonly ConcurrentDictionary<string, ECDsa> Keys = new(StringComparer.Ordinal);

    /// <summary>Whether the signature over <paramref name="data"/> verifies with the key x‖y.</summary>
    /// <exception cref="CryptographicException">The 64 bytes are not a point on P-256.</exception>
    public static bool VerifyData(ReadOnlySpan<byte> point, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, DSASignatureFormat format)
    {
        if (point.Length != PointSize)
        {
            throw new CryptographicException($"A P-256 public point is {PointSize} bytes x||y, not {point.Length}.");
        }

        string id = Convert.ToBase64String(point);
        if (Keys.TryGetValue(id, out ECDsa? cached))
        {
            return cached.VerifyData(data, signature, HashAlgorithmName.SHA256, format);
        }

        ECDsa created = Import(point);
        if (Keys.Count >= Capacity)
        {
            using (created)
            {
                return created.VerifyData(data, signature, HashAlgorithmName.SHA256, format);
            }
        }

        ECDsa shared = Keys.GetOrAdd(id, created);
        if (!ReferenceEquals(shared, created))
        {
            created.Dispose();
        }

        return shared.VerifyData(data, signature, HashAlgorithmName.SHA256, format);
    }

    private static ECDsa Import(ReadOnlySpan<byte> point) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = point[..32].ToArray(), Y = point[32..].ToArray() },
    });
}
