using System.CommandLine;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;

namespace BlindAI.Cli.Commands;

/// <summary>What a command does with the identity it verifies, which decides whether an unpinned identity is allowed.</summary>
internal enum IdentityUse
{
    /// <summary>
    /// The command only reports (<c>quote verify</c>, <c>ratls verify</c>, <c>bench verify</c>, <c>attest</c>): without any
    /// policy or pin the identity is informational (printed as <c>identity not pinned</c>) and the measurements are the
    /// reader's to compare.
    /// </summary>
    Report,

    /// <summary>
    /// The command sends a model, inputs or a management token (<c>model upload|run|delete</c>): an identity must be pinned,
    /// or the sender must say <c>--insecure-any-enclave</c>, since any genuine enclave (an attacker's own, on an up-to-date
    /// Intel machine) would otherwise receive the data.
    /// </summary>
    Send,
}

/// <summary>
/// The options that decide what verified evidence must show, shared by every verifying command: <c>--policy</c>, the
/// short identity pins (<c>--mrenclave</c>, <c>--mrsigner</c> with <c>--isv-prod-id</c>, <c>--mrtd</c>), the named
/// relaxations <c>--accept-status</c> and <c>--accept-advisory</c>, the deny list <c>--deny-advisory</c>, and for sending commands <c>--insecure-any-enclave</c>.
/// </summary>
internal sealed class PolicyInputs
{
    internal const int SgxMeasurementBytes = 32;
    internal const int TdxMeasurementBytes = 48;

    private readonly IdentityUse _use;

    private readonly Option<FileInfo> _policy = new("--policy")
    {
        Description = "Policy file: policy.json, or an original BlindAI manifest.toml. The pins below add to it. "
            + "Without a file the policy is strict (UpToDate only, no advisory, debug rejected).",
    };

    private readonly Option<string[]> _mrEnclave = new("--mrenclave")
    {
        Description = "Pin the SGX enclave: its MRENCLAVE (64 hex digits). Repeat or separate with commas to accept any one of several builds.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _mrSigner = new("--mrsigner")
    {
        Description = "Pin the SGX enclave by its signer: MRSIGNER (64 hex digits); needs --isv-prod-id, since one key signs many enclaves.",
    };

    private readonly Option<string> _isvProdId = new("--isv-prod-id")
    {
        Description = "The SGX product id (0-65535) that, with --mrsigner, pins the enclave.",
    };

    private readonly Option<string> _mrTd = new("--mrtd")
    {
        Description = "Pin the TDX trust domain: its MRTD (96 hex digits).",
    };

    private readonly Option<string[]> _acceptStatus = new("--accept-status")
    {
        Description = "Also accept these TCB statuses (Intel names, comma-separated or repeated, e.g. SWHardeningNeeded,OutOfDate). "
            + "A status's advisories still need --accept-advisory.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _acceptAdvisory = new("--accept-advisory")
    {
        Description = "Also accept these Intel security advisories (comma-separated or repeated, e.g. INTEL-SA-00615); any other advisory the TCB level lists is a rejection.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _denyAdvisory = new("--deny-advisory")
    {
        Description = "Never accept these Intel security advisories, whatever else is accepted (comma-separated or repeated, e.g. INTEL-SA-00615).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> _insecureAnyEnclave = new("--insecure-any-enclave")
    {
        Description = "INSECURE: send to any genuine enclave, whatever its identity (no MRENCLAVE, MRSIGNER or MRTD pinned). "
            + "Anyone can run a genuine enclave on an up-to-date Intel machine; only for throw-away data.",
    };

    public PolicyInputs(IdentityUse use) => _use = use;

    /// <summary>The message of the refusal to send to an unpinned identity; it names every way to pin one.</summary>
    public static string UnpinnedRefusal =>
        "refusing to send to an enclave whose identity is not pinned (any genuine enclave, including an attacker's own, would pass). "
        + "Pin it with --mrenclave HEX, --mrsigner HEX --isv-prod-id N, --mrtd HEX, or --policy FILE naming one of them; "
        + "--insecure-any-enclave sends to any enclave (insecure).";

    public void AddTo(Command command)
    {
        command.Add(_policy);
        command.Add(_mrEnclave);
        command.Add(_mrSigner);
        command.Add(_isvProdId);
        command.Add(_mrTd);
        command.Add(_acceptStatus);
        command.Add(_acceptAdvisory);
        command.Add(_denyAdvisory);
        if (_use == IdentityUse.Send)
        {
            command.Add(_insecureAnyEnclave);
        }
    }

    /// <summary>
    /// The policy: the file given (else <see cref="AttestationPolicy.Strict"/>), plus the pins and the accepted statuses and
    /// advisories. What happens when it pins no identity depends on the command's <see cref="IdentityUse"/>: a reporting
    /// command without a policy file reports the identity as unpinned; a sending command refuses unless
    /// <c>--insecure-any-enclave</c>, which relaxes the policy and prints a warning on standard error.
    /// </summary>
    /// <exception cref="CliInputException">An option value is invalid, or a sending command's policy pins no identity.</exception>
    /// <exception cref="AttestationFormatException">The policy file is malformed.</exception>
    public async Task<AttestationPolicy> GetPolicyAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        FileInfo? file = parse.GetValue(_policy);
        AttestationPolicy policy = file is null
            ? AttestationPolicy.Strict
            : await AttestationPolicy.LoadAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        policy = AddPins(parse, policy);
        policy = AddAcceptedStatuses(parse, policy);
        string[] accepted = AdvisoryIds(parse, _acceptAdvisory);
        policy = accepted.Length == 0 ? policy : policy.AcceptAdvisoryIds(accepted);
        string[] denied = AdvisoryIds(parse, _denyAdvisory);
        policy = denied.Length == 0 ? policy : policy.DenyAdvisoryIds(denied);

        if (_use == IdentityUse.Report)
        {
            // Informational without a policy file: the report says "identity not pinned" and prints the measurements.
            // A policy file is judged as written (it may itself say "allowUnpinnedIdentity").
            return file is null && !policy.PinsIdentity ? policy.AllowUnpinnedIdentity() : policy;
        }

        // Sending: PinsIdentity alone decides. A file's own "allowUnpinnedIdentity" does not count, so that only the loudly
        // named switch on the command line can send data to any enclave.
        bool anyEnclave = parse.GetValue(_insecureAnyEnclave);
        TextWriter error = parse.InvocationConfiguration.Error;
        if (policy.PinsIdentity)
        {
            if (anyEnclave)
            {
                await error.WriteLineAsync("blindai: note: --insecure-any-enclave has no effect: the policy pins an identity.").ConfigureAwait(false);
            }

            return policy;
        }

        if (!anyEnclave)
        {
            throw new CliInputException(UnpinnedRefusal);
        }

        await error.WriteLineAsync(
            "blindai: WARNING: --insecure-any-enclave: no enclave identity is pinned. The model, inputs or management token go to ANY genuine "
            + "enclave that passes the TCB checks, including one an attacker runs on an up-to-date Intel machine.").ConfigureAwait(false);
        return policy.AllowUnpinnedIdentity();
    }

    private AttestationPolicy AddPins(ParseResult parse, AttestationPolicy policy)
    {
        string[] mrEnclaves = [.. Split(parse.GetValue(_mrEnclave))];
        string? mrSigner = parse.GetValue(_mrSigner);
        string? isvProdId = parse.GetValue(_isvProdId);
        string? mrTd = parse.GetValue(_mrTd);

        if ((mrEnclaves.Length > 0 || mrSigner is not null || isvProdId is not null) && mrTd is not null)
        {
            throw new CliInputException("--mrtd pins a TDX trust domain and --mrenclave/--mrsigner/--isv-prod-id an SGX enclave: no quote can match both; give the pins of one TEE.");
        }

        if (mrEnclaves.Length > 0)
        {
            policy = policy.RequireMrEnclave(mrEnclaves.Select(hex => ParseMeasurement("--mrenclave", hex, SgxMeasurementBytes)));
        }

        if (isvProdId is not null)
        {
            policy = policy.RequireIsvProdId(ushort.TryParse(isvProdId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort id)
                ? id
                : throw new CliInputException($"--isv-prod-id {isvProdId}: expected a number from 0 to 65535."));
        }

        if (mrSigner is not null)
        {
            if (policy.IsvProdId is null)
            {
                throw new CliInputException("--mrsigner needs --isv-prod-id N: one signer's key signs many enclaves, so MRSIGNER alone would accept every one of them.");
            }

            policy = policy.RequireMrSigner(ParseMeasurement("--mrsigner", mrSigner, SgxMeasurementBytes));
        }

        if (mrTd is not null)
        {
            policy = policy.RequireMrTd(ParseMeasurement("--mrtd", mrTd, TdxMeasurementBytes));
        }

        return policy;
    }

    private AttestationPolicy AddAcceptedStatuses(ParseResult parse, AttestationPolicy policy)
    {
        TcbStatus[] accepted = ParseAcceptedStatuses(parse.GetValue(_acceptStatus));
        return accepted.Length == 0 ? policy : policy.AcceptTcbStatuses(accepted);
    }

    /// <summary>The TCB statuses named by <c>--accept-status</c> (comma-separated or repeated); Revoked and unknown names are usage errors.</summary>
    internal static TcbStatus[] ParseAcceptedStatuses(string[]? values)
    {
        var accepted = new List<TcbStatus>();
        foreach (string name in Split(values))
        {
            if (!TcbStatusNames.TryParse(name, out TcbStatus status))
            {
                throw new CliInputException($"--accept-status: unknown TCB status '{name}'.");
            }

            // The verifier returns a revoked TCB level as a status for the policy to judge; a revoked platform's keys may
            // be in anyone's hands, so no switch accepts it.
            accepted.Add(status != TcbStatus.Revoked
                ? status
                : throw new CliInputException("--accept-status Revoked: a revoked TCB is never accepted (its platform's keys may be compromised)."));
        }

        return [.. accepted];
    }

    private static string[] AdvisoryIds(ParseResult parse, Option<string[]> option) => ParseAdvisoryIds(option.Name, parse.GetValue(option));

    /// <summary>The advisory ids of <c>--accept-advisory</c> or <c>--deny-advisory</c> (comma-separated or repeated), each checked to look like an Intel id.</summary>
    internal static string[] ParseAdvisoryIds(string optionName, string[]? values)
    {
        string[] ids = [.. Split(values)];
        foreach (string id in ids)
        {
            // Intel's ids are printable ASCII without spaces (INTEL-SA-00615, INTEL-DOC-...); anything else is a typo.
            if (!id.All(c => c is > ' ' and < '\u007f'))
            {
                throw new CliInputException($"{optionName}: '{id}' is not an advisory id (expected printable ASCII such as INTEL-SA-00615).");
            }
        }

        return ids;
    }

    internal static Measurement ParseMeasurement(string option, string hex, int bytes)
    {
        if (!Measurement.TryParse(hex, out Measurement value) || value.Length != bytes)
        {
            throw new CliInputException($"{option} {hex}: expected {bytes * 2} hex digits ({bytes} bytes).");
        }

        return value;
    }

    internal static IEnumerable<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
