using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Collateral;
using BlindAI.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace BlindAI.Server.Attestation;

/// <summary>
/// What the host reads once at start to reach its PCCS: the certificates that alone are trusted for the PCCS's TLS
/// certificate (<c>--pccs-ca-file</c>) and its API key (<c>--pccs-api-key-file</c>). Inside an enclave both files are
/// measured (trusted files), so the host cannot be pointed at another PCCS or CA without changing MRENCLAVE.
/// </summary>
internal sealed class PccsCollateralConnection
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(15);

    private readonly X509Certificate2Collection? _trustedCertificates;
    private readonly string? _apiKey;

    private PccsCollateralConnection(X509Certificate2Collection? trustedCertificates, string? apiKey)
    {
        _trustedCertificates = trustedCertificates;
        _apiKey = apiKey;
    }

    /// <summary>True when the PCCS's TLS certificate must chain to the CA file's certificates and nothing else.</summary>
    public bool PinsCertificate => _trustedCertificates is not null;

    /// <summary>Reads the files <paramref name="options"/> names.</summary>
    /// <param name="options">The host's settings.</param>
    /// <param name="pccsSection">The <c>BlindAI:Collateral:Pccs</c> section, whose settings must not contradict the files; <see langword="null"/> when the options are set in code.</param>
    /// <param name="failures">Receives why the files cannot be used. Never holds a file's content (the API key is a secret).</param>
    /// <returns>The connection settings; meaningful only when nothing was added to <paramref name="failures"/>.</returns>
    public static PccsCollateralConnection Load(BlindAIServerOptions options, IConfigurationSection? pccsSection, List<string> failures)
    {
        X509Certificate2Collection? trusted = null;
        if (options.PccsCaFile is { } caFile)
        {
            if (pccsSection?[nameof(PccsOptions.DangerousAcceptSelfSignedCertificateSha256)] is not null)
            {
                failures.Add($"Give PccsCaFile (--pccs-ca-file) or Collateral:Pccs:{nameof(PccsOptions.DangerousAcceptSelfSignedCertificateSha256)}, not both: each decides alone which PCCS certificate is trusted.");
            }

            trusted = [];
            try
            {
                trusted.ImportFromPemFile(caFile);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
            {
                failures.Add($"PccsCaFile '{caFile}' cannot be read as PEM certificates: {exception.Message}");
            }

            if (trusted.Count == 0 && failures.Count == 0)
            {
                failures.Add($"PccsCaFile '{caFile}' holds no PEM certificate: the PCCS could not be reached.");
            }
        }

        string? apiKey = null;
        if (options.PccsApiKeyFile is { } keyFile)
        {
            if (pccsSection?[nameof(PccsOptions.ApiKey)] is not null)
            {
                failures.Add($"Give PccsApiKeyFile (--pccs-api-key-file) or Collateral:Pccs:{nameof(PccsOptions.ApiKey)}, not both.");
            }

            try
            {
                apiKey = File.ReadLines(keyFile).FirstOrDefault()?.Trim();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The exception names the file, never its content.
                failures.Add($"PccsApiKeyFile '{keyFile}' cannot be read: {exception.Message}");
            }

            if (apiKey is { Length: 0 } || (apiKey is null && failures.Count == 0))
            {
                failures.Add($"PccsApiKeyFile '{keyFile}' has an empty first line: it must hold the PCCS API key.");
            }
        }

        return new PccsCollateralConnection(trusted, apiKey);
    }

    /// <summary>Puts the API key read from the file into the PCCS options.</summary>
    public void Configure(PccsOptions options)
    {
        if (_apiKey is not null)
        {
            options.ApiKey = _apiKey;
        }
    }

    /// <summary>
    /// The handler for the PCCS when its certificate is pinned: the TLS certificate must chain to a certificate of the
    /// CA file (custom root trust, no system roots) and match the host name, as usual.
    /// </summary>
    public HttpMessageHandler CreateHandler()
    {
        if (_trustedCertificates is null)
        {
            throw new InvalidOperationException("No PCCS CA file was given.");
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,

            // A private PCCS CA rarely publishes a CRL, and asking for one that does not exist fails every chain. The
            // pin is the file itself; and the collateral it serves is signed by Intel and verified regardless.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(_trustedCertificates);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime };
        handler.SslOptions.CertificateChainPolicy = policy;
        return handler;
    }
}
