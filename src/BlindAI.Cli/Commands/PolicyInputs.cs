using System.CommandLine;
using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;

namespace BlindAI.Cli.Commands;

/// <summary>The options that decide when and against what evidence is judged: <c>--at</c>, <c>--policy</c>, <c>--accept-status</c>.</summary>
internal sealed class PolicyInputs
{
    private readonly Option<string> _at = new("--at")
    {
        Description = "Verify as of this instant (RFC 3339, or unix seconds) instead of now.",
    };

    private readonly Option<FileInfo> _policy = new("--policy")
    {
        Description = "Policy file: policy.json, or an original BlindAI manifest.toml. Default: strict (UpToDate only, debug rejected); "
            + "without a policy file no measurement is pinned — compare the printed measurements yourself.",
    };

    private readonly Option<string> _acceptStatus = new("--accept-status")
    {
        Description = "Also accept these TCB statuses (comma-separated Intel names, e.g. SWHardeningNeeded,OutOfDate).",
    };

    public void AddTo(Command command)
    {
        command.Add(_at);
        command.Add(_policy);
        command.Add(_acceptStatus);
    }

    /// <summary>The verification instant: <c>--at</c>, or the current time.</summary>
    /// <exception cref="CliInputException">The value is neither RFC 3339 nor unix seconds.</exception>
    public DateTimeOffset GetInstant(ParseResult parse, TimeProvider timeProvider)
    {
        string? text = parse.GetValue(_at);
        if (text is null)
        {
            return timeProvider.GetUtcNow();
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            try
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new CliInputException($"--at {text}: unix seconds out of range.");
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            return instant;
        }

        throw new CliInputException($"--at {text}: expected an RFC 3339 instant (2025-07-19T10:01:17Z) or unix seconds.");
    }

    /// <summary>The policy: the file given, else strict without pinned measurements, plus any <c>--accept-status</c> relaxation.</summary>
    /// <exception cref="CliInputException">A status name is unknown.</exception>
    /// <exception cref="AttestationFormatException">The policy file is malformed.</exception>
    public async Task<AttestationPolicy> GetPolicyAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        FileInfo? file = parse.GetValue(_policy);
        AttestationPolicy policy = file is null
            ? AttestationPolicy.Strict.AllowUnpinnedIdentity()
            : await AttestationPolicy.LoadAsync(file.FullName, cancellationToken).ConfigureAwait(false);

        string? statuses = parse.GetValue(_acceptStatus);
        if (statuses is null)
        {
            return policy;
        }

        var accepted = new List<TcbStatus>();
        foreach (string name in statuses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TcbStatusNames.TryParse(name, out TcbStatus status))
            {
                throw new CliInputException($"--accept-status: unknown TCB status '{name}'.");
            }

            accepted.Add(status);
        }

        return policy.AcceptTcbStatuses(accepted);
    }
}
