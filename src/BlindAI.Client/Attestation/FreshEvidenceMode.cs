namespace BlindAI.Client.Attestation;

/// <summary>
/// Whether the client makes the server prove liveness with a quote over a nonce of the client's own. Required by
/// default; there is deliberately no "when the server offers it" mode, because the offer travels on the unauthenticated
/// port, where a man in the middle can strip it and make the client accept evidence it could replay.
/// </summary>
public enum FreshEvidenceMode
{
    /// <summary>
    /// Always ask for a quote over a fresh 32-byte nonce (<c>POST /evidence</c>) and refuse a server that does not
    /// issue one, before anything but the nonce is sent. The default.
    /// </summary>
    Required = 1,

    /// <summary>
    /// INSECURE, for original BlindAI 0.6 servers only, which have no fresh-evidence route: never ask, and rely on the
    /// certificate's evidence alone, made once at the server's start and replayable by whoever holds it. The report
    /// says so (<see cref="AttestationReport.FreshEvidenceSkipped"/>).
    /// </summary>
    InsecureSkipForOriginalServers = 2,
}
