namespace BlindAI.Client.Attestation;

/// <summary>Whether the client asks the server for a quote bound to a nonce of its own (proof of liveness).</summary>
public enum FreshEvidenceMode
{
    /// <summary>Ask when the server advertises the <c>fresh-evidence</c> extension; otherwise rely on the certificate's evidence.</summary>
    WhenOffered = 0,

    /// <summary>Always ask; refuse a server that does not offer it.</summary>
    Required = 1,
}
