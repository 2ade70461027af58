using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Cli.Input;
using BlindAI.Cli.Output;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai bench verify</c>: microseconds per verification, cold and warm.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Measure verification speed on this machine.") { CreateVerify() };

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("file") { Description = "The quote file." };
        var iterations = new Option<int>("--iterations") { Description = "Verifications per measurement (default 1000).", DefaultValueFactory = _ => 1000 };
        var asJson = new Option<bool>("--json") { Description = "When the quote is rejected, print the report as JSON (the quote verify names)." };
        var collateral = new CollateralInputs();
        var policy = new PolicyInputs(IdentityUse.Report);
        var offline = new OfflineInputs();
        var command = new Command("verify", "Time full DCAP verification: cold (fresh verifier, collateral parsed and verified each time) and warm (collateral verified once and cached). "
            + "The quote is first judged as 'quote verify' does: a rejected quote is reported (exit 1) and not timed.")
        {
            file,
            iterations,
            asJson,
        };
        collateral.AddTo(command);
        policy.AddTo(command);
        offline.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            int count = parse.GetValue(iterations);
            if (count < 1)
            {
                throw new CliInputException("--iterations must be at least 1.");
            }

            byte[] quoteBytes = await BinaryInput.ReadFileAsync(parse.GetRequiredValue(file).FullName, cancellationToken).ConfigureAwait(false);
            Func<QuoteCollateral> parseCollateral = await collateral.LoadParserAsync(parse, cancellationToken).ConfigureAwait(false);
            QuoteCollateral cached = parseCollateral();
            AttestationPolicy chosen = await policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = offline.GetInstant(parse, TimeProvider.System);
            AttestationVerifier verifier = offline.GetVerifier(parse, chosen);

            // One judged run first: timing a verification that fails (or that the policy rejects) would measure the wrong thing.
            VerificationReport report;
            try
            {
                report = QuoteCommand.Judge(QuoteCommand.ParseEvidence(quoteBytes), cached, verifier, now);
            }
            catch (AttestationException ex)
            {
                report = VerificationReport.Rejected(ex, chosen.PinsIdentity);
            }

            if (!report.Verified)
            {
                await QuoteCommand.WriteReportAsync(output, report, parse.GetValue(asJson)).ConfigureAwait(false);
                return report.ExitCode;
            }

            QuoteVerificationResult result = report.Result!;
            double cold = Measure(count, () => new AttestationVerifier(chosen, verifier.TrustAnchor).Verify(Quote.Parse(quoteBytes), parseCollateral(), now));
            double warm = Measure(count, () => verifier.Verify(Quote.Parse(quoteBytes), cached, now));

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"quote: {result.Quote.TeeType} v{result.Quote.Version}, TCB status {result.TcbStatus}, {count} iterations")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cold: {cold:F1} us/verification (fresh verifier, collateral parsed and verified)")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warm: {warm:F1} us/verification (collateral cached)")).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static double Measure(int iterations, Action verify)
    {
        for (int i = 0; i < Math.Min(iterations, 50); i++)
        {
            verify();
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
        {
            verify();
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
    }
}
