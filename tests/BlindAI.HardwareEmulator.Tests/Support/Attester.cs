using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using Microsoft.Extensions.Options;

namespace BlindAI.HardwareEmulator.Tests.Support;

/// <summary>
/// What a client does with the emulator's evidence, with the production code only: fetches collateral through the real
/// <see cref="PccsCollateralProvider"/> from the PCS look-alike (pinning the certificate read from the mounted
/// <c>pcs-ca.pem</c>) and verifies with the real <see cref="DcapQuoteVerifier"/> against the mounted
/// <c>simulation-root.pem</c>, named explicitly as the (non-Intel) trust anchor.
/// </summary>
internal static class Attester
{
    public static async Task<QuoteVerificationResult> VerifyAsync(HardwareEmulator emulator, byte[] quoteBytes)
    {
        Quote quote = Quote.Parse(quoteBytes);
        QuoteCollateral collateral = await FetchCollateralAsync(emulator, quote).ConfigureAwait(false);
        return Verifier(emulator).Verify(quote, collateral);
    }

    public static DcapQuoteVerifier Verifier(HardwareEmulator emulator)
    {
        X509Certificate2 root = X509Certificate2.CreateFromPem(File.ReadAllText(emulator.SimulationRootPath));
        return new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(root) });
    }

    public static async Task<QuoteCollateral> FetchCollateralAsync(HardwareEmulator emulator, Quote quote)
    {
        PccsCollateralProvider provider = Pccs(emulator, out HttpClient http);
        using (http)
        {
            return await provider.GetCollateralAsync(RequestFor(quote)).ConfigureAwait(false);
        }
    }

    /// <summary>A PCCS client for the look-alike that accepts exactly the certificate in the mounted <c>pcs-ca.pem</c>.</summary>
    public static PccsCollateralProvider Pccs(HardwareEmulator emulator, out HttpClient http)
    {
        using X509Certificate2 pinned = X509Certificate2.CreateFromPem(File.ReadAllText(emulator.PcsCaPath!));
        var options = new PccsOptions
        {
            BaseAddress = emulator.PcsBaseAddress,
            DangerousAcceptSelfSignedCertificateSha256 = Convert.ToHexString(SHA256.HashData(pinned.RawData)),
        };
        http = new HttpClient(PccsCollateralProvider.CreateHttpMessageHandler(options));
        return new PccsCollateralProvider(http, Options.Create(options));
    }

    /// <summary>What a quote needs, as the client asks its collateral provider: TEE type, FMSPC and PCK CA from its PCK chain.</summary>
    public static CollateralRequest RequestFor(Quote quote) => CollateralRequest.For(quote);

    /// <summary>64 bytes that differ per <paramref name="seed"/>.</summary>
    public static byte[] ReportData(int seed) => SHA512.HashData(BitConverter.GetBytes(seed));
}
