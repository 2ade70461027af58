using System.CommandLine;
using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Cli.PolicyFiles;

namespace BlindAI.Cli.Commands;

/// <summary>
/// <c>blindai policy sgx|tdx</c>: writes the policy a deployer ships to clients, the policy JSON (every choice) and, for
/// SGX, the original BlindAI client's <c>manifest.toml</c>, from a Gramine SIGSTRUCT view or from measurements, with the
/// TCB statuses and advisories chosen explicitly. Each file is read back before it replaces anything.
/// </summary>
internal static class PolicyCommand
{
    public static Command Create() => new("policy", "Write the attestation policy clients load: policy.json (and manifest.toml for the original BlindAI client).")
    {
        CreateSgx(),
        CreateTdx(),
    };

    private static Command CreateSgx()
    {
        var sigstruct = new Option<FileInfo>("--sigstruct")
        {
            Description = "The output of 'gramine-sgx-sigstruct-view --output-format=json [--verbose]' for the signed enclave: pins its MRENCLAVE, "
                + "MRSIGNER, ISVPRODID and (as the minimum) ISVSVN. --verbose output also gives manifest.toml the SIGSTRUCT's attribute masks.",
        };
        var mrEnclave = new Option<string[]>("--mrenclave")
        {
            Description = "Instead of --sigstruct: pin MRENCLAVE (64 hex digits). Repeat or separate with commas to accept any one of several builds.",
        };
        var mrSigner = new Option<string>("--mrsigner") { Description = "Instead of --sigstruct: pin MRSIGNER (64 hex digits); needs --isv-prod-id." };
        var isvProdId = new Option<string>("--isv-prod-id") { Description = "With --mrsigner: the ISVPRODID (0-65535) that, with the signer, pins the enclave." };
        var minIsvSvn = new Option<string>("--min-isv-svn") { Description = "Instead of --sigstruct: the lowest ISVSVN accepted (0-65535)." };
        var manifestOut = new Option<FileInfo>("--manifest-out")
        {
            Description = "Also write the original BlindAI client's manifest.toml here (needs exactly one MRENCLAVE; the format cannot carry "
                + "MRSIGNER, ISVSVN, TCB statuses or advisories).",
        };
        var choices = new PolicyChoiceOptions("enclave");
        var command = new Command("sgx", "Write the policy of a Gramine-SGX enclave, from its SIGSTRUCT view or from measurements.")
        {
            sigstruct, mrEnclave, mrSigner, isvProdId, minIsvSvn,
        };
        choices.AddTo(command);
        command.Add(manifestOut);

        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            TextWriter error = parse.InvocationConfiguration.Error;
            PolicyFileTargets targets = choices.Targets(parse, parse.GetValue(manifestOut));
            bool allowDebug = parse.GetValue(choices.AllowDebug);
            AttestationPolicy policy = AttestationPolicy.Strict;
            ManifestAttributes manifestAttributes = ManifestAttributes.BlindAiProductionDefaults;
            string attributesSource = "BlindAI's manifest.prod.template.toml values (64-bit, AVX/AVX-512 free, MISCSELECT 0)";

            if (parse.GetValue(sigstruct) is { } sigstructFile)
            {
                if (new Option[] { mrEnclave, mrSigner, isvProdId, minIsvSvn }.Any(option => parse.GetResult(option) is not null))
                {
                    throw new CliInputException("--sigstruct already gives MRENCLAVE, MRSIGNER, ISVPRODID and ISVSVN: give either --sigstruct or the measurements, not both.");
                }

                SigstructView view = SigstructView.Parse(await File.ReadAllTextAsync(sigstructFile.FullName, cancellationToken).ConfigureAwait(false));
                policy = policy.RequireMrEnclave(view.MrEnclave).RequireMrSigner(view.MrSigner).RequireIsvProdId(view.IsvProdId).RequireMinimumIsvSvn(view.IsvSvn);
                if (view.IsDebug && !allowDebug)
                {
                    throw new CliInputException(
                        "the enclave is signed with the DEBUG attribute (its memory is readable by the host): rebuild with DEBUG=0, or pass --allow-debug for a development policy.");
                }

                if (!view.IsDebug && allowDebug)
                {
                    // A production SIGSTRUCT only ever runs without DEBUG: accepting debug would only let other builds in.
                    await error.WriteLineAsync("blindai: note: --allow-debug has no effect: the SIGSTRUCT is a production enclave, so the policy rejects debug enclaves.").ConfigureAwait(false);
                    allowDebug = false;
                }

                if (view.Attributes is { } attributes)
                {
                    manifestAttributes = ManifestAttributes.FromSigstruct(attributes);
                    attributesSource = "the SIGSTRUCT's own values and masks (what EINIT enforced)";
                }
                else if (targets.Manifest is not null)
                {
                    await error.WriteLineAsync(
                        "blindai: note: the sigstruct view has no attributes (run gramine-sgx-sigstruct-view with --verbose); manifest.toml gets BlindAI's production template values.")
                        .ConfigureAwait(false);
                }
            }
            else
            {
                policy = PinMeasurements(parse, policy, mrEnclave, mrSigner, isvProdId, minIsvSvn);
            }

            policy = choices.Apply(parse, allowDebug ? policy.AllowDebug() : policy);
            string json = PolicyJsonWriter.Write(policy);
            PolicyJsonWriter.ReadBack(json);

            string? toml = null;
            if (targets.Manifest is not null)
            {
                Measurement pinned = policy.MrEnclaves.Length == 1
                    ? policy.MrEnclaves[0]
                    : throw new CliInputException(policy.MrEnclaves.IsEmpty
                        ? "--manifest-out: the original client's manifest pins exactly one MRENCLAVE, and this policy pins none (MRSIGNER cannot be expressed there)."
                        : "--manifest-out: the original client's manifest pins exactly one MRENCLAVE; this policy accepts several.");
                toml = BlindAiManifestWriter.Write(pinned, policy.DebugAllowed, manifestAttributes, attributesSource);
                BlindAiManifestWriter.ReadBack(toml, pinned, policy.DebugAllowed, manifestAttributes);
            }

            await targets.WriteAsync(json, toml, cancellationToken).ConfigureAwait(false);
            await Describe(output, error, policy, targets).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateTdx()
    {
        var mrTd = new Option<string>("--mrtd") { Description = "Pin the trust domain: its MRTD (96 hex digits).", Required = true };
        var rtmr = new Option<string[]>("--rtmr")
        {
            Description = "Also require a runtime measurement, as INDEX=HEX (INDEX 0-3, 96 hex digits); repeat for several. "
                + "RTMRs alone pin nothing (other firmware can replay the same event log), which is why --mrtd is required.",
        };
        var choices = new PolicyChoiceOptions("trust domain");
        var command = new Command("tdx", "Write the policy of a TDX trust domain from its MRTD and RTMRs.") { mrTd, rtmr };
        choices.AddTo(command);

        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            TextWriter error = parse.InvocationConfiguration.Error;
            PolicyFileTargets targets = choices.Targets(parse, manifest: null);
            AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(
                PolicyInputs.ParseMeasurement("--mrtd", parse.GetRequiredValue(mrTd), PolicyInputs.TdxMeasurementBytes));
            var seen = new HashSet<int>();
            foreach (string entry in PolicyInputs.Split(parse.GetValue(rtmr)))
            {
                int equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals != 1 || entry[0] is < '0' or > '3')
                {
                    throw new CliInputException($"--rtmr {entry}: expected INDEX=HEX with INDEX 0, 1, 2 or 3.");
                }

                int index = entry[0] - '0';
                if (!seen.Add(index))
                {
                    throw new CliInputException($"--rtmr {index} is given twice: an RTMR has one value.");
                }

                policy = policy.RequireRtmr(index, PolicyInputs.ParseMeasurement($"--rtmr {index}", entry[2..], PolicyInputs.TdxMeasurementBytes));
            }

            policy = choices.Apply(parse, parse.GetValue(choices.AllowDebug) ? policy.AllowDebug() : policy);
            string json = PolicyJsonWriter.Write(policy);
            PolicyJsonWriter.ReadBack(json);
            await targets.WriteAsync(json, toml: null, cancellationToken).ConfigureAwait(false);
            await Describe(output, error, policy, targets).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static AttestationPolicy PinMeasurements(
        ParseResult parse, AttestationPolicy policy, Option<string[]> mrEnclave, Option<string> mrSigner, Option<string> isvProdId, Option<string> minIsvSvn)
    {
        string[] enclaves = [.. PolicyInputs.Split(parse.GetValue(mrEnclave))];
        if (enclaves.Length > 0)
        {
            policy = policy.RequireMrEnclave(enclaves.Select(hex => PolicyInputs.ParseMeasurement("--mrenclave", hex, PolicyInputs.SgxMeasurementBytes)));
        }

        string? signer = parse.GetValue(mrSigner);
        string? product = parse.GetValue(isvProdId);
        if ((signer is null) != (product is null))
        {
            throw new CliInputException("--mrsigner and --isv-prod-id go together: one signer's key signs many enclaves, so MRSIGNER alone would accept every one of them.");
        }

        if (signer is not null && product is not null)
        {
            policy = policy.RequireMrSigner(PolicyInputs.ParseMeasurement("--mrsigner", signer, PolicyInputs.SgxMeasurementBytes))
                .RequireIsvProdId(UInt16("--isv-prod-id", product));
        }

        if (parse.GetValue(minIsvSvn) is { } svn)
        {
            policy = policy.RequireMinimumIsvSvn(UInt16("--min-isv-svn", svn));
        }

        return policy.PinsIdentity
            ? policy
            : throw new CliInputException("the policy must pin the enclave: give --sigstruct FILE, --mrenclave HEX, or --mrsigner HEX --isv-prod-id N.");
    }

    private static ushort UInt16(string option, string text) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort value)
            ? value
            : throw new CliInputException($"{option} {text}: expected a number from 0 to 65535.");

    private static async Task Describe(TextWriter output, TextWriter error, AttestationPolicy policy, PolicyFileTargets targets)
    {
        await output.WriteLineAsync($"wrote {targets.Policy.FullName}").ConfigureAwait(false);
        await output.WriteLineAsync($"  identity:             {Identity(policy)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  TCB statuses:         {string.Join(", ", policy.AcceptedTcbStatuses.Order().Select(s => s.ToIntelName()))}").ConfigureAwait(false);
        await output.WriteLineAsync($"  advisories accepted:  {List(policy.AcceptedAdvisoryIds)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  advisories denied:    {List(policy.DeniedAdvisoryIds)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  debug:                {(policy.DebugAllowed ? "ACCEPTED (insecure)" : "rejected")}").ConfigureAwait(false);
        if (targets.Manifest is { } manifest)
        {
            await output.WriteLineAsync($"wrote {manifest.FullName} (original BlindAI client: MRENCLAVE, debug and attributes only)").ConfigureAwait(false);
            await error.WriteLineAsync(
                "blindai: note: manifest.toml cannot carry MRSIGNER, ISVSVN, TCB statuses or advisories. The original client accepts UpToDate and "
                + "SWHardeningNeeded with any advisory, and nothing else; 'blindai --policy manifest.toml' accepts UpToDate only unless "
                + "--accept-status/--accept-advisory are given with it.").ConfigureAwait(false);
        }

        if (policy.DebugAllowed)
        {
            await error.WriteLineAsync(
                "blindai: WARNING: the policy accepts DEBUG enclaves and trust domains, whose memory the host can read. Development only; never ship it.")
                .ConfigureAwait(false);
        }
    }

    private static string Identity(AttestationPolicy policy)
    {
        var parts = new List<string>();
        if (!policy.MrEnclaves.IsEmpty)
        {
            parts.Add($"MRENCLAVE {string.Join(" | ", policy.MrEnclaves)}");
        }

        if (policy.MrSigner is { } signer)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"MRSIGNER {signer} with ISVPRODID {policy.IsvProdId}"));
        }

        if (policy.MinimumIsvSvn is { } svn)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ISVSVN >= {svn}"));
        }

        if (policy.MrTd is { } mrTd)
        {
            parts.Add($"MRTD {mrTd}");
        }

        for (int i = 0; i < policy.Rtmrs.Length; i++)
        {
            if (policy.Rtmrs[i] is { } value)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"RTMR{i} {value}"));
            }
        }

        return string.Join(", ", parts);
    }

    private static string List(IReadOnlySet<string> ids) => ids.Count == 0 ? "none" : string.Join(", ", ids.Order(StringComparer.OrdinalIgnoreCase));

    /// <summary>The choices both forms share: statuses, advisories, debug, and where the policy goes.</summary>
    private sealed class PolicyChoiceOptions(string subject)
    {
        private readonly Option<string[]> _acceptStatus = new("--accept-status")
        {
            Description = "Also accept these TCB statuses (Intel names, comma-separated or repeated), e.g. SWHardeningNeeded or ConfigurationAndSWHardeningNeeded. "
                + "Revoked is never accepted. A status's advisories still need --accept-advisory.",
        };

        private readonly Option<string[]> _acceptAdvisory = new("--accept-advisory")
        {
            Description = "Also accept these Intel security advisories (comma-separated or repeated), e.g. INTEL-SA-00289,INTEL-SA-00615.",
        };

        private readonly Option<string[]> _denyAdvisory = new("--deny-advisory")
        {
            Description = "Never accept these advisories, whatever else is accepted (comma-separated or repeated).",
        };

        private readonly Option<FileInfo> _out = new("--out", "-o") { Description = "Write the policy JSON here (replaced only when everything succeeded).", Required = true };

        public Option<bool> AllowDebug { get; } = new("--allow-debug")
        {
            Description = $"INSECURE: accept a debug {subject}, whose memory the host can read (development only; the policy says \"allowDebug\": true).",
        };

        public void AddTo(Command command)
        {
            command.Add(_acceptStatus);
            command.Add(_acceptAdvisory);
            command.Add(_denyAdvisory);
            command.Add(AllowDebug);
            command.Add(_out);
        }

        public AttestationPolicy Apply(ParseResult parse, AttestationPolicy policy)
        {
            TcbStatus[] statuses = PolicyInputs.ParseAcceptedStatuses(parse.GetValue(_acceptStatus));
            policy = statuses.Length == 0 ? policy : policy.AcceptTcbStatuses(statuses);
            string[] accepted = PolicyInputs.ParseAdvisoryIds(_acceptAdvisory.Name, parse.GetValue(_acceptAdvisory));
            policy = accepted.Length == 0 ? policy : policy.AcceptAdvisoryIds(accepted);
            string[] denied = PolicyInputs.ParseAdvisoryIds(_denyAdvisory.Name, parse.GetValue(_denyAdvisory));
            return denied.Length == 0 ? policy : policy.DenyAdvisoryIds(denied);
        }

        public PolicyFileTargets Targets(ParseResult parse, FileInfo? manifest)
        {
            FileInfo policy = parse.GetRequiredValue(_out);

            // AttestationPolicy.LoadAsync reads .toml files as a manifest and everything else as JSON: a file named the
            // other way would not load as what it holds.
            if (string.Equals(policy.Extension, ".toml", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliInputException($"--out {policy.Name}: the policy JSON must not end in .toml (policy loaders read .toml files as a BlindAI manifest).");
            }

            if (manifest is not null && !string.Equals(manifest.Extension, ".toml", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliInputException($"--manifest-out {manifest.Name}: the manifest must end in .toml (policy loaders read other files as JSON).");
            }

            return new PolicyFileTargets(policy, manifest);
        }
    }
}

/// <summary>The files <c>blindai policy</c> writes; none is replaced unless every one was written in full.</summary>
internal sealed record PolicyFileTargets(FileInfo Policy, FileInfo? Manifest)
{
    /// <summary>Writes each text to a temporary file beside its target, then moves them into place.</summary>
    public async Task WriteAsync(string json, string? toml, CancellationToken cancellationToken)
    {
        var pending = new List<(string Temporary, string Target)>();
        try
        {
            pending.Add((await WriteTemporaryAsync(Policy, json, cancellationToken).ConfigureAwait(false), Policy.FullName));
            if (Manifest is not null && toml is not null)
            {
                pending.Add((await WriteTemporaryAsync(Manifest, toml, cancellationToken).ConfigureAwait(false), Manifest.FullName));
            }

            // A rename within a directory replaces the target at once: a client never reads half a policy.
            foreach ((string temporary, string target) in pending)
            {
                File.Move(temporary, target, overwrite: true);
            }
        }
        finally
        {
            foreach ((string temporary, _) in pending)
            {
                File.Delete(temporary);
            }
        }
    }

    private static async Task<string> WriteTemporaryAsync(FileInfo target, string text, CancellationToken cancellationToken)
    {
        string directory = target.DirectoryName ?? throw new CliInputException($"{target.FullName}: not a file path.");
        string temporary = Path.Combine(directory, $".{target.Name}.{Guid.NewGuid():n}.tmp");
        await File.WriteAllTextAsync(temporary, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
        return temporary;
    }
}
