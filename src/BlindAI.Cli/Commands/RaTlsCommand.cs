using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Verification;
using BlindAI.Cli.Input;
using BlindAI.Cli.Output;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai ratls show|verify</c>: the evidence inside RA-TLS certificates.</summary>
internal static class RaTlsCommand
{
    public static Command Create() => new("ratls", "Inspect and verify RA-TLS certificates (PEM or DER): TCG DICE, legacy, Gramine and Intel SGX SDK evidence.")
    {
        CreateShow(),
        CreateVerify(),
    };

    private static Command CreateShow()
    {
        var file = new Argument<FileInfo>("certificate") { Description = "The certificate (PEM or DER)." };
        var asJson = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("show", "List every evidence form found in a certificate, with its key binding and the quote's identity.") { file, asJson };
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            using X509Certificate2 certificate = await CertificateInput.ReadFileAsync(parse.GetRequiredValue(file).FullName, cancellationToken).ConfigureAwait(false);
            RaTlsCertificateEvidence evidence = RaTlsCertificateReader.Read(certificate);
            if (parse.GetValue(asJson))
            {
                await JsonOutput.WriteAsync(output, json => WriteEvidenceJson(json, evidence)).ConfigureAwait(false);
            }
            else
            {
                WriteEvidenceText(output, evidence);
            }

            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<FileInfo>("certificate") { Description = "The certificate (PEM or DER)." };
        var asJson = new Option<bool>("--json") { Description = "Print the result as JSON (the quote verify names plus bindingVerified)." };
        var collateral = new CollateralInputs();
        var policy = new PolicyInputs(IdentityUse.Report);
        var offline = new OfflineInputs();
        var command = new Command("verify", "Verify the evidence bound to a certificate's key with DCAP collateral and a policy. Exit 0 verified, 1 rejected (also malformed evidence), 2 usage error or unreadable file.")
        {
            file,
            asJson,
        };
        collateral.AddTo(command);
        policy.AddTo(command);
        offline.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            using X509Certificate2 certificate = await CertificateInput.ReadFileAsync(parse.GetRequiredValue(file).FullName, cancellationToken).ConfigureAwait(false);
            QuoteCollateral loaded = await collateral.LoadAsync(parse, cancellationToken).ConfigureAwait(false);
            AttestationPolicy chosen = await policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = offline.GetInstant(parse, TimeProvider.System);
            AttestationVerifier verifier = offline.GetVerifier(parse, chosen);

            VerificationReport report = Judge(certificate, loaded, verifier, now);
            await QuoteCommand.WriteReportAsync(output, report, parse.GetValue(asJson)).ConfigureAwait(false);
            return report.ExitCode;
        });
        return command;
    }

    /// <summary>
    /// Reads the certificate's evidence, picks the bound one as the client does, and judges its quote. Evidence that is
    /// missing, unbound or malformed is a rejection with its reason and step (the certificate itself was readable).
    /// </summary>
    private static VerificationReport Judge(X509Certificate2 certificate, QuoteCollateral collateral, AttestationVerifier verifier, DateTimeOffset now)
    {
        RaTlsCertificateEvidence? evidence = null;
        try
        {
            evidence = RaTlsCertificateReader.Read(certificate);
            RaTlsEvidence bound = evidence.GetBoundEvidence();
            return QuoteCommand.Judge(bound.Quote!, collateral, verifier, now) with { Checks = [new("bindingVerified", true)] };
        }
        catch (AttestationException ex)
        {
            return Unbound(ex);
        }
        catch (AttestationFormatException ex)
        {
            return Unbound(QuoteCommand.Malformed(ex));
        }

        // Not bound to this key, missing or unreadable: report the quote that is there (if any), rejected.
        VerificationReport Unbound(AttestationException failure) =>
            VerificationReport.Rejected(failure, verifier.Policy.PinsIdentity, evidence?.Evidence.FirstOrDefault(e => e.Quote is not null)?.Quote) with
            {
                Checks = [new("bindingVerified", false)],
                NonIntelTrustAnchor = QuoteCommand.NonIntel(verifier),
            };
    }

    private static string FormatName(RaTlsEvidenceFormat format) => format switch
    {
        RaTlsEvidenceFormat.Dice => "dice",
        RaTlsEvidenceFormat.Legacy => "legacy",
        RaTlsEvidenceFormat.GramineLegacy => "gramine-legacy",
        RaTlsEvidenceFormat.IntelSdk => "intel-sdk",
        _ => format.ToString(),
    };

    private static void WriteEvidenceJson(Utf8JsonWriter json, RaTlsCertificateEvidence evidence)
    {
        json.WriteStartObject();
        json.WriteString("publicKeySha256", evidence.PublicKeySha256.ToString());
        json.WriteStartArray("evidence");
        foreach (RaTlsEvidence item in evidence.Evidence)
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName(item.Format));
            json.WriteString("extensionOid", item.ExtensionOid);
            json.WriteBoolean("bindingVerified", item.BindingVerified);
            json.WriteString("bindingDetail", item.BindingDetail);
            if (item.Quote is { } quote)
            {
                WriteIdentity(json, quote);
            }
            else
            {
                json.WriteString("quoteError", item.QuoteError?.Message);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteIdentity(Utf8JsonWriter json, Quote quote)
    {
        json.WriteString("teeType", quote.TeeType == TeeType.Tdx ? "TDX" : "SGX");
        json.WriteNumber("quoteVersion", quote.Version);
        if (quote.SgxReport is { } sgx)
        {
            json.WriteString("mrEnclave", sgx.MrEnclave.ToString());
            json.WriteString("mrSigner", sgx.MrSigner.ToString());
            json.WriteNumber("isvProdId", sgx.IsvProdId);
            json.WriteNumber("isvSvn", sgx.IsvSvn);
        }
        else if (quote.TdReport is { } td)
        {
            json.WriteString("mrTd", td.MrTd.ToString());
        }

        json.WriteBoolean("debug", quote.IsDebug);
        string? fmspc = VerificationReport.TryFmspc(quote);
        if (fmspc is null)
        {
            json.WriteNull("fmspc");
        }
        else
        {
            json.WriteString("fmspc", fmspc);
        }
    }

    private static void WriteEvidenceText(TextWriter output, RaTlsCertificateEvidence evidence)
    {
        output.WriteLine($"publicKeySha256: {evidence.PublicKeySha256}");
        if (evidence.Evidence.IsEmpty)
        {
            output.WriteLine("no RA-TLS evidence found");
        }

        foreach (RaTlsEvidence item in evidence.Evidence)
        {
            output.WriteLine($"{FormatName(item.Format)} ({item.ExtensionOid}): binding {(item.BindingVerified ? "verified" : "NOT verified")} - {item.BindingDetail}");
            if (item.Quote is { } quote)
            {
                if (quote.SgxReport is { } sgx)
                {
                    output.WriteLine($"  SGX quote v{quote.Version}: MRENCLAVE {sgx.MrEnclave}, MRSIGNER {sgx.MrSigner}, ISVPRODID {sgx.IsvProdId}, ISVSVN {sgx.IsvSvn}, debug {quote.IsDebug}, FMSPC {VerificationReport.TryFmspc(quote) ?? "n/a"}");
                }
                else if (quote.TdReport is { } td)
                {
                    output.WriteLine($"  TDX quote v{quote.Version}: MRTD {td.MrTd}, debug {quote.IsDebug}, FMSPC {VerificationReport.TryFmspc(quote) ?? "n/a"}");
                }
            }
            else
            {
                output.WriteLine($"  quote unreadable: {item.QuoteError?.Message}");
            }
        }
    }
}
