namespace BlindAI.Server;

/// <summary>
/// The server's settings: set in code, or bound from the <c>BlindAI</c> configuration section (appsettings,
/// <c>BlindAI__*</c> environment variables, command-line switches). Checked when the host starts: unusable or unsafe
/// values (a remote management address without a token, no collateral source outside simulation) stop it.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddBlindAIServer(options =>
/// {
///     options.CollateralSource = CollateralSourceKind.IntelPcs;
///     options.ManagementTokenSha256 = "…64 hex digits…";
/// });
/// </code>
/// </example>
public sealed class BlindAIServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "BlindAI";

    /// <summary>Plain-HTTP port serving the certificate, quote, collateral, fresh evidence, version and health (0 = any free port).</summary>
    public int UntrustedPort { get; set; } = Protocol.ProtocolRoutes.DefaultUntrustedPort;

    /// <summary>RA-TLS port serving <c>POST /run</c>.</summary>
    public int AttestedPort { get; set; } = Protocol.ProtocolRoutes.DefaultAttestedPort;

    /// <summary>RA-TLS port serving <c>POST /upload</c> and <c>POST /delete</c>.</summary>
    public int ManagementPort { get; set; } = Protocol.ProtocolRoutes.DefaultManagementPort;

    /// <summary>The address the untrusted and attested ports bind to. Default <c>0.0.0.0</c>, as the original server.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The address the management port binds to. Default loopback: model management is not exposed unless asked for.</summary>
    public string ManagementListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// SHA-256 (64 hex digits) of the bearer token required on the management port; <see langword="null"/> for none
    /// (the original client cannot send one). The host compares SHA-256 of the presented token with it in constant time
    /// and never holds the token itself: the Gramine manifest carries this hash, which is measured and so public.
    /// Without it, management is served to loopback callers only, which inside an enclave keeps out the network but not
    /// the host that owns the network stack. A non-loopback management address requires it.
    /// </summary>
    public string? ManagementTokenSha256 { get; set; }

    /// <summary>
    /// Lets the management port listen on a non-loopback address without <see cref="ManagementTokenSha256"/>, for the
    /// original client (which cannot send a token) across a network. Anyone who reaches the port can then upload and
    /// delete models.
    /// </summary>
    public bool InsecureAllowRemoteManagementWithoutToken { get; set; }

    /// <summary>Runs on the simulated TEE platform instead of real hardware. Never for production.</summary>
    public bool Simulation { get; set; }

    /// <summary>
    /// The TEE the simulated platform imitates (<c>--simulation sgx</c> or <c>--simulation tdx</c>); only with
    /// <see cref="Simulation"/>. <see langword="null"/>: the platform's own quote format, SGX for a new platform.
    /// </summary>
    public SimulatedTee? SimulationTee { get; set; }

    /// <summary>The data folder: sealed models, and in simulation the simulated platform and its root certificate.</summary>
    public string DataDirectory { get; set; } = "blindai-data";

    /// <summary>Keeps uploaded models in the data folder, sealed, when a sealing key is available. Default on.</summary>
    public bool PersistModels { get; set; } = true;

    /// <summary>
    /// Where <c>/collateral</c> comes from: Intel PCS (<c>--intel-pcs</c>) or a PCCS (<c>--pccs-url</c>), cached until
    /// its <c>nextUpdate</c>. Required outside simulation: without collateral no client with default options can
    /// attest the host. In simulation the simulated platform signs it unless a source is named here.
    /// </summary>
    public CollateralSourceKind CollateralSource { get; set; }

    /// <summary>
    /// A PEM file with the certificates that alone are trusted for the PCCS's TLS certificate (its CA, or its own
    /// self-signed certificate): the system's CA list is not consulted. Read once at start. Only with
    /// <see cref="CollateralSource"/> <see cref="CollateralSourceKind.Pccs"/>.
    /// </summary>
    public string? PccsCaFile { get; set; }

    /// <summary>
    /// A file whose first line is the PCCS API key, read once at start and never logged (the key is not put in
    /// configuration, where it would show in the process's arguments or environment). Only with
    /// <see cref="CollateralSource"/> <see cref="CollateralSourceKind.Pccs"/>.
    /// </summary>
    public string? PccsApiKeyFile { get; set; }

    /// <summary>Request limits per route.</summary>
    public BlindAIServerLimits Limits { get; set; } = new();

    /// <summary>When the RA-TLS key and certificate are renewed (fresh quotes), as a fraction of the certificate's validity; strictly between 0 and 1. Default 2/3.</summary>
    public double CertificateRenewalFraction { get; set; } = Hosting.CertificateRenewalService.DefaultRenewalFraction;

    /// <summary>How long shutdown waits for in-flight requests to finish. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
