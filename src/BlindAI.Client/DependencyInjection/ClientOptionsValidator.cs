using Microsoft.Extensions.Options;

namespace BlindAI.Client.DependencyInjection;

/// <summary>Validates every named <see cref="BlindAIClientOptions"/>, with what configuration binding could not bind.</summary>
internal sealed class ClientOptionsValidator : IValidateOptions<BlindAIClientOptions>
{
    public ValidateOptionsResult Validate(string? name, BlindAIClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"BlindAI client '{name}': {e}"));
    }
}
