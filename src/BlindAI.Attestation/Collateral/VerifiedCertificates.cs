using System.Collections.Concurrent;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Certificates whose signature by a given issuer has been checked (keyed by both DER encodings), so a certificate
/// that appears in several chains (the TCB signing certificate, the PCK CA) is verified once. Bounded: when full it
/// stops remembering, which only costs time.
/// </summary>
internal sealed class VerifiedCertificates
{
    private const int Capacity = 256;

    private readonly ConcurrentDictionary<(string Certificate, string Issuer), bool> pairs = new();

    public bool Contains(ParsedCertificate certificate, ParsedCertificate issuer) =>
        pairs.ContainsKey((certificate.DerBase64, issuer.DerBase64));

    public void Add(ParsedCertificate certificate, ParsedCertificate issuer)
    {
        if (pairs.Count < Capacity)
        {
            pairs.TryAdd((certificate.DerBase64, issuer.DerBase64), true);
        }
    }
}
