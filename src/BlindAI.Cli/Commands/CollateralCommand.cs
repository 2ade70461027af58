using System.CommandLine;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Client.Attestation;
using Microsoft.Extensions.Options;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai collateral fetch &lt;quote&gt; (--pcs | --pccs URL)</c>: downloads a quote's collateral as a dcap-qvl bundle.</summary>
internal static class CollateralCommand
{
    public static Command Create() => new("collateral", "Fetch DCAP collateral (CRLs, TCB Info, QE Identity) for offline verification.")
    {
        CreateFetch(),
    };

    private static Command CreateFetch()
    {
        var quoteFile = new Argument<FileInfo>("quote") { Description = "The quote file (binary, hex, 0x-hex or base64)." };
        var pcs = new Option<bool>("--pcs") { Description = "Fetch from Intel PCS (api.trustedservices.intel.com)." };
        var pccs = new Option<string>("--pccs") { Description = "Fetch from this PCCS (for example https://pccs.example:8081/)." };
        var apiKey = new Option<string>("--api-key") { Description = "The PCS or PCCS API key, when required." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Write the bundle here instead of standard output." };
        var command = new Command("fetch", "Fetch the collateral a quote needs and write it as a dcap-qvl JSON bundle (not verified here: 'quote verify --collateral' verifies it).")
        {
            quoteFile, pcs, pccs, apiKey, output,
        };
        CommandRunner.SetAction(command, async (parse, writer, cancellationToken) =>
        {
            bool usePcs = parse.GetValue(pcs);
            string? pccsText = parse.GetValue(pccs);
            if (usePcs == (pccsText is not null))
            {
                throw new CliInputException("Give exactly one of --pcs and --pccs URL.");
            }

            Uri? pccsAddress = null;
            if (pccsText is not null && (!Uri.TryCreate(pccsText, UriKind.Absolute, out pccsAddress) || pccsAddress.Scheme is not ("https" or "http")))
            {
                throw new CliInputException($"--pccs {pccsText}: expected an absolute http(s) URL.");
            }

            Quote quote = await QuoteCommand.ReadQuoteAsync(parse.GetRequiredValue(quoteFile), cancellationToken).ConfigureAwait(false);
            CollateralRequest request = CollateralRequest.For(quote);
            using var http = new HttpClient();
            ICollateralProvider provider = pccsAddress is null
                ? new IntelPcsCollateralProvider(http, Options.Create(new IntelPcsOptions { ApiKey = parse.GetValue(apiKey) }))
                : new PccsCollateralProvider(http, Options.Create(new PccsOptions { BaseAddress = pccsAddress, ApiKey = parse.GetValue(apiKey) }));
            QuoteCollateral collateral;
            try
            {
                collateral = await provider.GetCollateralAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"cannot fetch collateral for {request}: {ex.Message}");
            }
            catch (AttestationException ex)
            {
                throw new CliInputException($"no collateral for {request}: {ex.Message}");
            }

            byte[] bundle = collateral.ToDcapQvlJson();
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllBytesAsync(file.FullName, bundle, cancellationToken).ConfigureAwait(false);
                await writer.WriteLineAsync($"wrote {file.FullName} ({request}, next update {collateral.NextUpdate:yyyy-MM-ddTHH:mm:ssZ})").ConfigureAwait(false);
            }
            else
            {
                await writer.WriteLineAsync(System.Text.Encoding.UTF8.GetString(bundle)).ConfigureAwait(false);
            }

            return CliExitCode.Ok;
        });
        return command;
    }
}
