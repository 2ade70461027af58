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

    /// <summary>Reads and parses a quote file in any of the accepted encodings (<c>quote show</c>, <c>collateral fetch</c>).</summary>
    /// <exception cref="AttestationFormatException">The file's content is not a well-formed quote.</exception>
    public static async Task<Quote> ReadQuoteAsync(FileInfo file, CancellationToken cancellationToken)
    {
        byte[] bytes = await BinaryInput.ReadFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        return Quote.Parse(bytes);
    }

    /// <summary>
    /// Parses quote bytes that were read from a file or certificate. Malformed content (a bad header, bad certification
    /// data, a broken PEM chain inside) is evidence that fails verification at its first step, so it is a rejection
    /// (<see cref="AttestationFailureReason.MalformedInput"/> at <see cref="VerificationStep.Parse"/>), as Intel's QVL
    /// answers a quote it cannot parse with a verification status, not a usage error.
    /// </summary>
    /// <exception cref="AttestationException">The content is not a well-formed quote.</exception>
    public static Quote ParseEvidence(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Quote.Parse(bytes);
        }
        catch (AttestationFormatException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>The rejection for evidence whose content cannot be read.</summary>
    public static AttestationException Malformed(AttestationFormatException ex) =>
        new(AttestationFailureReason.MalformedInput, VerificationStep.Parse, $"The evidence is malformed ({ex.Reason}): {ex.Message}", innerException: ex);

    /// <summary>Verifies a quote and evaluates the policy, turning rejections into a report instead of an exception.</summary>
    public static VerificationReport Judge(Quote quote, QuoteCollateral collateral, AttestationVerifier verifier, DateTimeOffset now)
    {
        AttestationVerdict verdict;
        try
        {
            verdict = verifier.Evaluate(quote, collateral, now);
        }
        catch (AttestationException ex)
        {
            return Rejected(ex);
        }
        catch (AttestationFormatException ex)
        {
            // Parts of the quote are read on first use (the PCK certificate's SGX extension): malformed there is a rejection too.
            return Rejected(Malformed(ex));
        }

        return new VerificationReport
        {
            Quote = quote,
            Result = verdict.Result,
            PolicyViolations = verdict.Violations,
            IdentityPinned = verifier.Policy.PinsIdentity,
            NonIntelTrustAnchor = NonIntel(verifier),
        };

        VerificationReport Rejected(AttestationException failure) => VerificationReport.Rejected(failure, verifier.Policy.PinsIdentity, quote) with { NonIntelTrustAnchor = NonIntel(verifier) };
    }

    /// <summary>The root the verifier trusts, when it is not Intel's (reported so that a simulation is never mistaken for a TEE).</summary>
    public static TrustAnchor? NonIntel(AttestationVerifier verifier) => verifier.TrustAnchor.IsIntelSgxRootCa ? null : verifier.TrustAnchor;

    private static Command CreateShow()
    {
        var file = new Argument<FileInfo>("file") { Description = "The quote file." };
        var command = new Command("show", "Print every parsed field of a quote as JSON.") { file };
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            Quote quote = await ReadQuoteAsync(parse.GetRequiredValue(file), cancellationToken).ConfigureAwait(false);
            await JsonOutput.WriteAsync(output, quote.WriteJson).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("file") { Description = "The quote file." };
        var asJson = new Option<bool>("--json") { Description = "Print the result as JSON (stable field names)." };
        var collateral = new CollateralInputs();
        var policy = new PolicyInputs(IdentityUse.Report);
        var offline = new OfflineInputs();
        var command = new Command("verify", "Verify a quote with Intel DCAP collateral and a policy. Exit 0 verified, 1 rejected (also a malformed quote), 2 usage error or unreadable file.") { file, asJson };
        collateral.AddTo(command);
        policy.AddTo(command);
        offline.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            // The evidence is parsed only after every other input is read: a usage error is never reported as a rejection.
            byte[] bytes = await BinaryInput.ReadFileAsync(parse.GetRequiredValue(file).FullName, cancellationToken).ConfigureAwait(false);
            QuoteCollateral loaded = await collateral.LoadAsync(parse, cancellationToken).ConfigureAwait(false);
            AttestationPolicy chosen = await policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = offline.GetInstant(parse, TimeProvider.System);
            AttestationVerifier verifier = offline.GetVerifier(parse, chosen);

            VerificationReport report;
            try
            {
                report = Judge(ParseEvidence(bytes), loaded, verifier, now);
            }
            catch (AttestationException ex)
            {
                report = VerificationReport.Rejected(ex, chosen.PinsIdentity) with { NonIntelTrustAnchor = NonIntel(verifier) };
            }

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
