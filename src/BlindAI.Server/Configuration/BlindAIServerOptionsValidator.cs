using System.Net;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Configuration;

/// <summary>Rejects unusable or unsafe <see cref="BlindAIServerOptions"/> before any port opens.</summary>
internal sealed class BlindAIServerOptionsValidator : IValidateOptions<BlindAIServerOptions>
{
    /// <summary>SHA-256 of the empty string: a token file whose first line was empty gives it, and it guards nothing.</summary>
    private const string EmptyTokenSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The validator (it holds no state).</summary>
    public static BlindAIServerOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, BlindAIServerOptions options)
    {
        var failures = new List<string>();
        CheckPort(failures, nameof(options.UntrustedPort), options.UntrustedPort);
        CheckPort(failures, nameof(options.AttestedPort), options.AttestedPort);
        CheckPort(failures, nameof(options.ManagementPort), options.ManagementPort);
        int[] fixedPorts = [.. new[] { options.UntrustedPort, options.AttestedPort, options.ManagementPort }.Where(p => p != 0)];
        if (fixedPorts.Distinct().Count() != fixedPorts.Length)
        {
            failures.Add("UntrustedPort, AttestedPort and ManagementPort must differ.");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"ListenAddress '{options.ListenAddress}' is not an IP address.");
        }

        if (!IPAddress.TryParse(options.ManagementListenAddress, out IPAddress? management))
        {
            failures.Add($"ManagementListenAddress '{options.ManagementListenAddress}' is not an IP address.");
        }
        else if (!IPAddress.IsLoopback(management) && options.ManagementTokenSha256 is null && !options.InsecureAllowRemoteManagementWithoutToken)
        {
            failures.Add($"ManagementListenAddress {management} is not loopback: set ManagementTokenSha256, or InsecureAllowRemoteManagementWithoutToken to accept that anyone reaching the port manages models.");
        }

        if (options.ManagementTokenSha256 is { } tokenHash)
        {
            if (!IsSha256Hex(tokenHash))
            {
                // The value is not repeated: a deployer who put the token itself here would find it in the logs.
                failures.Add($"ManagementTokenSha256 must be the SHA-256 of the management token as 64 hex digits, not {tokenHash.Length} characters of something else (the token itself is never configured).");
            }
            else if (string.Equals(tokenHash, EmptyTokenSha256, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add("ManagementTokenSha256 is the SHA-256 of an empty token, which anyone can send.");
            }
        }

        if (!options.Simulation && options.CollateralSource == CollateralSourceKind.None)
        {
            // A production host that serves no collateral cannot be attested by our client with default options, by
            // `blindai attest` or by the original Python client: refuse to start rather than serve uselessly.
            failures.Add("No collateral source: /collateral would answer 503 and clients could not attest this host. Add --pccs-url URL "
                + "(with --pccs-ca-file FILE to pin the PCCS's TLS certificate) or --intel-pcs (BlindAI:CollateralSource Pccs or IntelPcs).");
        }

        if (!options.Simulation && options.SimulationTee is not null)
        {
            failures.Add($"SimulationTee {options.SimulationTee} applies only with --simulation: the real TEE is found on the machine, never chosen.");
        }

        if (options.CollateralSource != CollateralSourceKind.Pccs)
        {
            foreach ((string key, string? value) in new[] { (nameof(options.PccsCaFile), options.PccsCaFile), (nameof(options.PccsApiKeyFile), options.PccsApiKeyFile) })
            {
                if (value is not null)
                {
                    failures.Add($"{key} applies only with CollateralSource {CollateralSourceKind.Pccs} (--pccs-url), not {options.CollateralSource}.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("DataDirectory must not be empty.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add("ShutdownTimeout cannot be negative.");
        }

        if (!Hosting.CertificateRenewalService.IsValidFraction(options.CertificateRenewalFraction))
        {
            failures.Add("CertificateRenewalFraction must be strictly between 0 and 1 (the share of the certificate's validity after which it is renewed).");
        }

        BlindAIServerLimits? limits = options.Limits;
        if (limits is null)
        {
            failures.Add("Limits must not be null.");
        }
        else
        {
            CheckPositive(failures, "Limits.MaxRunBodyBytes", limits.MaxRunBodyBytes);
            CheckPositive(failures, "Limits.MaxUploadBodyBytes", limits.MaxUploadBodyBytes);
            CheckPositive(failures, "Limits.MaxSmallBodyBytes", limits.MaxSmallBodyBytes);
            CheckPositive(failures, "Limits.MaxConcurrentRuns", limits.MaxConcurrentRuns);
            CheckPositive(failures, "Limits.MaxConcurrentManagement", limits.MaxConcurrentManagement);
            CheckPositive(failures, "Limits.MaxConcurrentUntrusted", limits.MaxConcurrentUntrusted);
            if (limits.MaxUploadBodyBytes > Array.MaxLength || limits.MaxRunBodyBytes > Array.MaxLength)
            {
                failures.Add($"Body limits cannot exceed {Array.MaxLength} bytes (bodies are buffered in one array).");
            }

            if (!(limits.MinRequestBodyDataRate > 0) || double.IsInfinity(limits.MinRequestBodyDataRate))
            {
                failures.Add("Limits.MinRequestBodyDataRate must be a positive number of bytes per second (slow bodies would otherwise hold a slot forever).");
            }

            // Kestrel refuses a grace period of one second or less.
            if (limits.MinRequestBodyDataRateGracePeriod <= TimeSpan.FromSeconds(1))
            {
                failures.Add("Limits.MinRequestBodyDataRateGracePeriod must be longer than one second.");
            }

            if (limits.MaxQueuedRequests < 0)
            {
                failures.Add("Limits.MaxQueuedRequests cannot be negative.");
            }

            foreach ((string key, TimeSpan value) in new[] { ("RunTimeout", limits.RunTimeout), ("UploadTimeout", limits.UploadTimeout), ("DefaultTimeout", limits.DefaultTimeout), ("RetryAfter", limits.RetryAfter),
                ("RequestHeadersTimeout", limits.RequestHeadersTimeout), ("KeepAliveTimeout", limits.KeepAliveTimeout) })
            {
                if (value <= TimeSpan.Zero)
                {
                    failures.Add($"Limits.{key} must be positive.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Hex digits only, either case (the bytes are what is compared), and exactly 32 bytes' worth.</summary>
    private static bool IsSha256Hex(string value) =>
        value.Length == 2 * System.Security.Cryptography.SHA256.HashSizeInBytes && value.All(char.IsAsciiHexDigit);

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 0 or > 65535)
        {
            failures.Add($"{key} must be between 0 and 65535 (0 picks a free port).");
        }
    }

    private static void CheckPositive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add($"{key} must be positive.");
        }
    }
}
