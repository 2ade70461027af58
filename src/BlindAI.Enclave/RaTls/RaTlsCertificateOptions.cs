namespace BlindAI.Enclave.RaTls;

/// <summary>How to build an RA-TLS certificate. Every evidence form is on by default.</summary>
/// <example>
/// <code>
/// var options = new RaTlsCertificateOptions { KeySize = 384, AdditionalDnsNames = ["inference.example.com"], Validity = TimeSpan.FromDays(7) };
/// </code>
/// </example>
public sealed record RaTlsCertificateOptions
{
    /// <summary>The subject alternative name the original BlindAI client expects: <c>blindai-srv</c>. Always present.</summary>
    public const string BlindAIServerName = "blindai-srv";

    /// <summary>
    /// The ECDSA key size: 256 (NIST P-256 signed with SHA-256, the default) or 384 (P-384 with SHA-384, what Gramine
    /// itself generates). Both are accepted by Gramine's RA-TLS verifier.
    /// </summary>
    public int KeySize { get; init; } = 256;

    /// <summary>The subject (and issuer) distinguished name; verifiers ignore it.</summary>
    public string SubjectName { get; init; } = "CN=BlindAI RA-TLS";

    /// <summary>DNS names added to the subject alternative name after <see cref="BlindAIServerName"/>.</summary>
    public IReadOnlyList<string> AdditionalDnsNames { get; init; } = [];

    /// <summary>How long the certificate is valid from now; 30 days by default.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How far before now the validity starts, to absorb clock skew; 1 hour by default.</summary>
    public TimeSpan ClockSkewAllowance { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Whether to add the TCG DICE evidence extension (<c>2.23.133.5.4.9</c>, CBOR tag 60000 with a <c>pubkey-hash</c> claim). On by default.</summary>
    public bool IncludeDiceEvidence { get; init; } = true;

    /// <summary>Whether to add the legacy raw-quote extension (<c>1.2.840.113741.1337.6</c>, report data = SHA-256 of the public key) for Gramine 1.7 and older verifiers. On by default; costs a second quote.</summary>
    public bool IncludeLegacyEvidence { get; init; } = true;
}
