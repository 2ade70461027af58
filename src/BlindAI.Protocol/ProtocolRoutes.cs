namespace BlindAI.Protocol;

/// <summary>The HTTP routes, default ports and header values of the BlindAI 0.6 protocol and its extensions.</summary>
public static class ProtocolRoutes
{
    /// <summary>Default untrusted port (plain HTTP in the original): certificate, quote, collateral.</summary>
    public const int DefaultUntrustedPort = 9923;

    /// <summary>Default attested port (TLS with the attested certificate): inference.</summary>
    public const int DefaultAttestedPort = 9924;

    /// <summary>Default model-management port (TLS with the same certificate): upload and delete.</summary>
    public const int DefaultManagementPort = 9925;

    /// <summary><c>GET</c> on the untrusted port: the server certificate's DER as a CBOR byte string.</summary>
    public const string Certificate = "/";

    /// <summary><c>GET</c> on the untrusted port: the raw quote as a CBOR byte string (in simulation, a quote of the simulated platform).</summary>
    public const string Quote = "/quote";

    /// <summary><c>GET</c> on the untrusted port: <see cref="Messages.SgxCollateral"/> (in simulation, signed by the simulated PKI).</summary>
    public const string Collateral = "/collateral";

    /// <summary><c>POST</c> on the attested port: <see cref="Messages.RunModel"/>.</summary>
    public const string Run = "/run";

    /// <summary><c>POST</c> on the management port: <see cref="Messages.UploadModel"/>.</summary>
    public const string Upload = "/upload";

    /// <summary><c>POST</c> on the management port: <see cref="Messages.DeleteModel"/>.</summary>
    public const string Delete = "/delete";

    /// <summary>Extension, <c>POST</c> on the untrusted port: <c>{nonce}</c> (see <see cref="Cbor.MessageCodec.EncodeFreshEvidenceRequest"/>), answered by <see cref="Messages.FreshEvidenceReply"/>.</summary>
    public const string Evidence = "/evidence";

    /// <summary>Extension, <c>GET</c> on the untrusted port: <see cref="Messages.ServerCapabilities"/>.</summary>
    public const string Version = "/version";

    /// <summary>The <c>Server</c> header of a production server; the original client refuses servers whose header contains <c>mock</c>.</summary>
    public const string ServerHeader = "blindai";

    /// <summary>The <c>Server</c> header of a simulation server.</summary>
    public const string SimulationServerHeader = "blindai mock (testing)";

    /// <summary>The DNS name the original client expects in the certificate and forces for hostname checks.</summary>
    public const string CertificateHostName = "blindai-srv";
}
