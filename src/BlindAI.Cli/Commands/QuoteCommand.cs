using System.CommandLine;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Cli.Input;
using BlindAI.Cli.Output;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai quote show|verify</c>.</summary>
internal static class QuoteCommand
{
    public static Command Create() => new("quote", "Inspect and verify Intel SGX/TDX DCAP quotes (binary, hex, 0x-hex or base64 files).")
    {
        CreateShow(),
        CreateVerify(),
    };

    /// <summary>Reads and parses a quote file in any of the accepted encodings.</summary>
    public static async Task<Quote> ReadQuoteAsync(FileInfo file, CancellationToken cancellationToken)
    {
        byte[] bytes = await BinaryInput.ReadFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        return Quote.Parse(bytes);
    }

    /// <summary>Verifies a quote and evaluates the policy, turning rejections into a report instead of an exception.</summary>
    public static VerificationReport Judge(Quote quote, QuoteCollateral collateral, AttestationPolicy policy, DateTimeOffset now, DcapQuoteVerifierOptions? options = null)
    {
        var verifier = new DcapQuoteVerifier(options ?? VerifierOptionsFor(policy));
        QuoteVerificationResult result;
        try
        {
            result = verifier.Verify(quote, collateral, now);
        }
        catch (AttestationException ex)
        {
            return new VerificationReport { Quote = quote, Failure = ex };
        }

        return new VerificationReport { Quote = quote, Result = result, PolicyViolations = policy.Evaluate(result) };
    }

    /// <summary>The verifier options a policy implies: its collateral grace period, nothing else.</summary>
    public static DcapQuoteVerifierOptions VerifierOptionsFor(AttestationPolicy policy) =>
        policy.CollateralGracePeriod > TimeSpan.Zero
            ? new DcapQuoteVerifierOptions { Collateral = new CollateralVerificationOptions { AcceptExpiredCollateralFor = policy.CollateralGracePeriod } }
            : DcapQuoteVerifierOptions.Default;

    private static Command CreateShow()
    {
        var file = new Argument<FileInfo>("file") { Description = "The quote file." };
        var command = new Command("show", "Print every parsed field of a quote as JSON.") { file };
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            Quote quote = await ReadQuoteAsync(parse.GetRequiredValue(file), cancellationToken).ConfigureAwait(false);
            await JsonOutput.WriteAsync(output, json => QuoteJson.Write(json, quote)).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("file") { Description = "The quote file." };
        var asJson = new Option<bool>("--json") { Description = "Print the result as JSON (stable field names)." };
        var collateral = new CollateralInputs();
        var policy = new PolicyInputs();
        var command = new Command("verify", "Verify a quote with Intel DCAP collateral and a policy. Exit 0 verified, 1 rejected, 2 bad input.") { file, asJson };
        collateral.AddTo(command);
        policy.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            Quote quote = await ReadQuoteAsync(parse.GetRequiredValue(file), cancellationToken).ConfigureAwait(false);
            QuoteCollateral loaded = await collateral.LoadAsync(parse, cancellationToken).ConfigureAwait(false);
            AttestationPolicy chosen = await policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = policy.GetInstant(parse, TimeProvider.System);

            VerificationReport report = Judge(quote, loaded, chosen, now);
            await WriteReportAsync(output, report, parse.GetValue(asJson)).ConfigureAwait(false);
            return report.ExitCode;
        });
        return command;
    }

    /// <summary>Writes a report as JSON or text.</summary>
    public static Task WriteReportAsync(TextWriter output, VerificationReport report, bool asJson)
    {
        if (asJson)
        {
            return JsonOutput.WriteAsync(output, report.WriteJson);
        }

        report.WriteText(output);
        return Task.CompletedTask;
    }
}
