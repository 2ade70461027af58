using System.Globalization;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using Microsoft.Extensions.Configuration;

namespace BlindAI.Client.DependencyInjection;

/// <summary>
/// Binds <see cref="BlindAIClientOptions"/> from configuration without reflection (trimming and AOT safe), strictly: an
/// unknown key or a value that cannot be bound is recorded in <see cref="BlindAIClientOptions.BindingErrors"/> and fails
/// options validation, instead of being ignored as the reflection binder ignores what it cannot set (it would leave
/// <see cref="BlindAIClientOptions.Policy"/> strict and unpinned, and fail much later). <c>Policy</c> is either a path
/// to a <c>policy.json</c> or <c>manifest.toml</c>, or the members of <c>policy.json</c> inline.
/// </summary>
internal static class ClientOptionsBinder
{
    private static readonly Dictionary<string, Action<BlindAIClientOptions, IConfigurationSection>> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(BlindAIClientOptions.Server)] = (o, s) => o.Server = new Uri(Scalar(s), UriKind.Absolute),
        [nameof(BlindAIClientOptions.UntrustedPort)] = (o, s) => o.UntrustedPort = int.Parse(Scalar(s), NumberStyles.None, CultureInfo.InvariantCulture),
        [nameof(BlindAIClientOptions.AttestedPort)] = (o, s) => o.AttestedPort = int.Parse(Scalar(s), NumberStyles.None, CultureInfo.InvariantCulture),
        [nameof(BlindAIClientOptions.ManagementPort)] = (o, s) => o.ManagementPort = int.Parse(Scalar(s), NumberStyles.None, CultureInfo.InvariantCulture),
        [nameof(BlindAIClientOptions.Policy)] = (o, s) => o.Policy = ReadPolicy(s),
        [nameof(BlindAIClientOptions.InsecureSimulationRoot)] = (o, s) => o.InsecureSimulationRoot = SimulationRoot.FromFile(Scalar(s)),
        [nameof(BlindAIClientOptions.FreshEvidence)] = (o, s) => o.FreshEvidence = Enum.Parse<FreshEvidenceMode>(Scalar(s), ignoreCase: true),
        [nameof(BlindAIClientOptions.ManagementToken)] = (o, s) => o.ManagementToken = Scalar(s),
        [nameof(BlindAIClientOptions.RequestTimeout)] = (o, s) => o.RequestTimeout = TimeSpan.Parse(Scalar(s), CultureInfo.InvariantCulture),
        [nameof(BlindAIClientOptions.ConnectTimeout)] = (o, s) => o.ConnectTimeout = TimeSpan.Parse(Scalar(s), CultureInfo.InvariantCulture),
    };

    public static void Bind(IConfiguration configuration, BlindAIClientOptions options)
    {
        foreach (IConfigurationSection section in configuration.GetChildren())
        {
            if (!Setters.TryGetValue(section.Key, out Action<BlindAIClientOptions, IConfigurationSection>? set))
            {
                options.BindingErrors.Add($"{section.Path} is not a BlindAI client option (known: {string.Join(", ", Setters.Keys)}).");
                continue;
            }

            try
            {
                set(options, section);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or AttestationFormatException or IOException or UnauthorizedAccessException)
            {
                options.BindingErrors.Add($"{section.Path} cannot be bound: {ex.Message}");
            }
        }
    }

    private static string Scalar(IConfigurationSection section) =>
        section.Value is { Length: > 0 } value && !section.GetChildren().Any()
            ? value
            : throw new FormatException("expected a single non-empty value.");

    /// <summary>A path to a policy file, or the members of <c>policy.json</c> written as configuration keys.</summary>
    private static AttestationPolicy ReadPolicy(IConfigurationSection section)
    {
        bool inline = section.GetChildren().Any();
        if (inline && section.Value is not null)
        {
            throw new FormatException("it is both a file path and inline members; use one.");
        }

        if (!inline)
        {
            string path = Scalar(section);
            string text = File.ReadAllText(path);
            return string.Equals(Path.GetExtension(path), ".toml", StringComparison.OrdinalIgnoreCase)
                ? AttestationPolicy.FromBlindAiManifest(text)
                : AttestationPolicy.FromJson(text);
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            WriteJson(writer, section);
        }

        return AttestationPolicy.FromJson(json.ToArray());
    }

    /// <summary>
    /// Configuration as the JSON <see cref="AttestationPolicy.FromJson(string)"/> reads: sections keyed 0..n are arrays,
    /// <c>true</c>/<c>false</c> and decimal integers are JSON literals (hexadecimal values stay strings), and keys are
    /// camel-cased (configuration keys are case-insensitive; <c>Sgx:MrEnclave</c> means <c>sgx.mrEnclave</c>). The policy
    /// reader then refuses unknown members and bad values, as for a file.
    /// </summary>
    private static void WriteJson(Utf8JsonWriter writer, IConfigurationSection section)
    {
        List<IConfigurationSection> children = [.. section.GetChildren()];
        if (children.Count == 0)
        {
            string value = section.Value ?? string.Empty;
            if (bool.TryParse(value, out bool flag))
            {
                writer.WriteBooleanValue(flag);
            }
            else if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        else if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            writer.WriteStartArray();
            foreach (IConfigurationSection item in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                WriteJson(writer, item);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartObject();
            foreach (IConfigurationSection member in children)
            {
                writer.WritePropertyName(char.ToLowerInvariant(member.Key[0]) + member.Key[1..]);
                WriteJson(writer, member);
            }

            writer.WriteEndObject();
        }
    }
}
