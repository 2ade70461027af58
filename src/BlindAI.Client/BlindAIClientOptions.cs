using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using BlindAI.Protocol;

namespace BlindAI.Client;

/// <summary>
/// How <see cref="BlindAIClient"/> reaches and verifies a server. Defaults are strict: Intel's root, the strict policy
/// (options are refused until it pins an enclave identity), collateral from the server (verified against Intel's root
/// anyway), and a fresh nonce-bound quote from every server.
/// </summary>
public sealed class BlindAIClientOptions
{
    /// <summary>
    /// The server's untrusted endpoint, for example <c>http://enclave.example:9923</c>: its host, and the port serving the
    /// certificate, evidence and collateral (plain HTTP; nothing secret goes there). Required. A port written here is the
    /// untrusted port; without one, <see cref="UntrustedPort"/> applies. The attested and management ports are on the same host.
    /// </summary>
    public Uri? Server { get; set; }

    /// <summary>
    /// The untrusted port when <see cref="Server"/> names none. Setting it to another port than the one
    /// <see cref="Server"/> names is an error (the options would say two different things).
    /// </summary>
    public int UntrustedPort { get; set; } = ProtocolRoutes.DefaultUntrustedPort;

    /// <summary>The attested port serving <c>POST /run</c> (TLS pinned to the attested key).</summary>
    public int AttestedPort { get; set; } = ProtocolRoutes.DefaultAttestedPort;

    /// <summary>The management port serving <c>POST /upload</c> and <c>POST /delete</c> (TLS pinned to the attested key).</summary>
    public int ManagementPort { get; set; } = ProtocolRoutes.DefaultManagementPort;

    /// <summary>
    /// What the attested enclave must be. <see cref="AttestationPolicy.Strict"/> by default, which pins no identity: the
    /// options are refused until the policy pins one (<see cref="AttestationPolicy.PinsIdentity"/>) or names the
    /// relaxation <see cref="AttestationPolicy.AllowUnpinnedIdentity"/>.
    /// </summary>
    public AttestationPolicy Policy { get; set; } = AttestationPolicy.Strict;

    /// <summary>
    /// Where collateral comes from: <see langword="null"/> for the server's <c>GET /collateral</c> (safe: it is verified
    /// against the trust anchor), or a provider the client chooses (<see cref="IntelPcsCollateralProvider"/>,
    /// <see cref="PccsCollateralProvider"/>, <see cref="StaticCollateralProvider"/>, usually behind a
    /// <see cref="CachingCollateralProvider"/>).
    /// </summary>
    public ICollateralProvider? CollateralProvider { get; set; }

    /// <summary>
    /// INSECURE, for development only: trust quotes signed under this simulation root instead of Intel's. Without it a
    /// simulated server is refused.
    /// </summary>
    public SimulationRoot? InsecureSimulationRoot { get; set; }

    /// <summary>
    /// Whether the server must prove liveness with a quote over a client nonce: <see cref="FreshEvidenceMode.Required"/>
    /// by default; only <see cref="FreshEvidenceMode.InsecureSkipForOriginalServers"/> (original BlindAI 0.6 servers) skips it.
    /// </summary>
    public FreshEvidenceMode FreshEvidence { get; set; } = FreshEvidenceMode.Required;

    /// <summary>The bearer token for model management, when the server requires one.</summary>
    public string? ManagementToken { get; set; }

    /// <summary>The time limit of one request (attestation steps, uploads, runs).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The time limit of one TCP connection attempt.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Why a policy that pins no identity is refused, and how to pin one; shared with <see cref="RaTlsHttpMessageHandler"/>.</summary>
    internal const string UnpinnedPolicyProblem =
        "pins no enclave identity, so any enclave on a genuine platform would be trusted. Pin one: "
        + "RequireMrEnclave (SGX), RequireMrSigner together with RequireIsvProdId (SGX), or RequireMrTd (TDX); "
        + "or, to trust any enclave that passes the TCB and debug rules, name the relaxation AllowUnpinnedIdentity().";

    /// <summary>
    /// What configuration binding could not bind (an unknown key, an unreadable policy file): reported as validation
    /// errors, so that a misspelt or unbindable setting fails at start instead of being silently ignored.
    /// </summary>
    internal List<string> BindingErrors { get; } = [];

    /// <summary>The untrusted port in effect: the one <see cref="Server"/> names, else <see cref="UntrustedPort"/>.</summary>
    internal int EffectiveUntrustedPort => Server is { IsAbsoluteUri: true, IsDefaultPort: false } server ? server.Port : UntrustedPort;

    /// <summary>Every reason these options are unusable (empty when valid).</summary>
    internal IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>(BindingErrors);
        if (Server is null)
        {
            errors.Add($"{nameof(Server)} is required, for example http://enclave.example:{ProtocolRoutes.DefaultUntrustedPort}.");
        }
        else if (!Server.IsAbsoluteUri || string.IsNullOrEmpty(Server.Host) || Server.Scheme != Uri.UriSchemeHttp
            || Server.AbsolutePath != "/" || Server.Query.Length > 0 || Server.Fragment.Length > 0 || Server.UserInfo.Length > 0)
        {
            // Only a host and a port: the routes and the TLS of the attested ports are the client's, not the caller's to name.
            errors.Add($"{nameof(Server)} must be http://host or http://host:port (the untrusted port is plain HTTP; no path, query or credentials), such as http://localhost:{ProtocolRoutes.DefaultUntrustedPort}; got {Server}.");
        }
        else if (!Server.IsDefaultPort && UntrustedPort != ProtocolRoutes.DefaultUntrustedPort && UntrustedPort != Server.Port)
        {
            errors.Add($"{nameof(Server)} names port {Server.Port} and {nameof(UntrustedPort)} is {UntrustedPort}: set the untrusted port in one place.");
        }

        CheckPort(errors, nameof(UntrustedPort), UntrustedPort);
        CheckPort(errors, nameof(AttestedPort), AttestedPort);
        CheckPort(errors, nameof(ManagementPort), ManagementPort);
        if (Policy is null)
        {
            errors.Add($"{nameof(Policy)} is required (use AttestationPolicy.Strict and its named relaxations).");
        }
        else if (!Policy.PinsIdentity && !Policy.UnpinnedIdentityAllowed)
        {
            // The policy's own named relaxation is the one switch: a second one here could disagree with it, and the
            // policy travels with the same meaning to every verifier (client, RA-TLS handler, command line).
            errors.Add($"{nameof(Policy)} {UnpinnedPolicyProblem}");
        }

        if (!Enum.IsDefined(FreshEvidence))
        {
            errors.Add($"{nameof(FreshEvidence)} {FreshEvidence} is not a defined mode.");
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(RequestTimeout)} must be positive or infinite.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(ConnectTimeout)} must be positive or infinite.");
        }

        if (ManagementToken is { } token && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
        {
            errors.Add($"{nameof(ManagementToken)} must be non-empty without whitespace.");
        }

        return errors;
    }

    /// <summary>Throws when the options are unusable.</summary>
    /// <exception cref="ArgumentException">Some option is invalid; the message lists all problems.</exception>
    internal void Validate()
    {
        IReadOnlyList<string> errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid BlindAI client options: " + string.Join(" ", errors));
        }
    }

    private static void CheckPort(List<string> errors, string name, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{name} must be between 1 and 65535; got {port}.");
        }
    }
}
