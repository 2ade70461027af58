using Microsoft.Extensions.Options;

namespace BlindAI.Client.DependencyInjection;

/// <summary>Validates <see cref="BlindAIClientOptions"/> registered with dependency injection (a server is required).</summary>
public sealed class BlindAIClientOptionsValidator : IValidateOptions<BlindAIClientOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, BlindAIClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.GetValidationErrors(requireServer: true);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
