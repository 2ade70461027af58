using Microsoft.Extensions.Options;

namespace BlindAI.Attestation.Collateral;

/// <summary>Validates <see cref="IntelPcsOptions"/> and <see cref="PccsOptions"/> (at start-up through DI, and in the providers' constructors).</summary>
internal sealed class CollateralOptionsValidator : IValidateOptions<IntelPcsOptions>, IValidateOptions<PccsOptions>
{
    public static readonly CollateralOptionsValidator Instance = new();

    public ValidateOptionsResult Validate(string? name, IntelPcsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckAddress(options.BaseAddress, nameof(IntelPcsOptions.BaseAddress), failures);
        CheckAddress(options.RootCaCrlAddress, nameof(IntelPcsOptions.RootCaCrlAddress), failures);
        CheckTimeout(options.Timeout, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, PccsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckAddress(options.BaseAddress, nameof(PccsOptions.BaseAddress), failures);
        CheckTimeout(options.Timeout, failures);
        if (options.ApiKey is not null && string.IsNullOrWhiteSpace(options.ApiKeyHeaderName))
        {
            failures.Add($"{nameof(PccsOptions.ApiKeyHeaderName)} is required when {nameof(PccsOptions.ApiKey)} is set.");
        }

        if (options.DangerousAcceptSelfSignedCertificateSha256 is { } pin && (pin.Length != 64 || !HexText.TryDecode(pin, out _)))
        {
            failures.Add($"{nameof(PccsOptions.DangerousAcceptSelfSignedCertificateSha256)} must be 64 hex digits (SHA-256 of the certificate's DER).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static TOptions EnsureValid<TOptions>(TOptions options, Func<TOptions, ValidateOptionsResult> validate)
        where TOptions : class
    {
        var result = validate(options);
        return result.Failed ? throw new OptionsValidationException(typeof(TOptions).Name, typeof(TOptions), result.Failures) : options;
    }

    private static void CheckAddress(Uri? address, string name, List<string> failures)
    {
        if (address is null || !address.IsAbsoluteUri)
        {
            failures.Add($"{name} must be an absolute URI.");
        }
        else if (address.Scheme != Uri.UriSchemeHttps && !(address.Scheme == Uri.UriSchemeHttp && address.IsLoopback))
        {
            // Collateral is signed, but plain HTTP would let anyone on the path block or replay old collateral.
            failures.Add($"{name} must use https (plain http is allowed only for loopback addresses).");
        }
    }

    private static void CheckTimeout(TimeSpan timeout, List<string> failures)
    {
        if (timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            failures.Add("Timeout must be positive.");
        }
    }
}
