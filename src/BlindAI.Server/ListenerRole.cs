namespace BlindAI.Server;

/// <summary>The three listeners of a BlindAI server.</summary>
public enum ListenerRole
{
    /// <summary>Plain HTTP (9923): certificate, quote, collateral, fresh evidence, version, health.</summary>
    Untrusted,

    /// <summary>RA-TLS (9924): inference.</summary>
    Attested,

    /// <summary>RA-TLS (9925), loopback by default: model upload and deletion.</summary>
    Management,
}
