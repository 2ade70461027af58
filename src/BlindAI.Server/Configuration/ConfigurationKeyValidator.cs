using System.ComponentModel;
using System.Reflection;
using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Inference;
using Microsoft.Extensions.Configuration;

namespace BlindAI.Server.Configuration;

/// <summary>
/// Refuses every key under the <c>BlindAI</c> section that the host would not apply, from any source (appsettings,
/// <c>BlindAI__*</c> environment variables, <c>--BlindAI:*</c> arguments): a misspelt or retired setting would
/// otherwise leave its default in force without a word, and a security setting that silently falls back to its default
/// is how a deployment ends up unprotected. Also refuses settings that are known but would be ignored in this
/// configuration (another collateral source's settings; the quote provider settings that simulation overrides).
/// </summary>
internal static class ConfigurationKeyValidator
{
    /// <summary>Bound to <see cref="BlindAIEnclaveOptions"/>.</summary>
    public const string EnclaveSection = "Enclave";

    /// <summary>Bound to <see cref="InferenceEngineOptions"/>.</summary>
    public const string InferenceSection = "Inference";

    /// <summary>Holds <see cref="IntelPcsSection"/> and <see cref="PccsSection"/>.</summary>
    public const string CollateralSection = "Collateral";

    /// <summary>Under <see cref="CollateralSection"/>: bound to <see cref="IntelPcsOptions"/>.</summary>
    public const string IntelPcsSection = "IntelPcs";

    /// <summary>Under <see cref="CollateralSection"/>: bound to <see cref="PccsOptions"/>.</summary>
    public const string PccsSection = "Pccs";

    /// <summary>Enclave settings that <c>--simulation</c> replaces by the simulated platform in the data folder.</summary>
    private static readonly string[] ReplacedBySimulation =
    [
        nameof(BlindAIEnclaveOptions.QuoteProvider), nameof(BlindAIEnclaveOptions.GramineAttestationRoot), nameof(BlindAIEnclaveOptions.TsmReportRoot),
        nameof(BlindAIEnclaveOptions.SimulationDirectory), nameof(BlindAIEnclaveOptions.SealingKey), nameof(BlindAIEnclaveOptions.SealingKeyFile),
    ];

    /// <summary>The keys under <paramref name="section"/> (the <c>BlindAI</c> section) that the host would not apply.</summary>
    /// <param name="section">The <c>BlindAI</c> section.</param>
    /// <param name="options">The settings bound from it (they decide which collateral and enclave settings apply).</param>
    /// <returns>One failure per such key, naming its full path; empty when every key is applied.</returns>
    public static IReadOnlyList<string> Validate(IConfigurationSection section, BlindAIServerOptions options)
    {
        var unknown = new List<string>();
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (Is(child, EnclaveSection))
            {
                CheckValue(typeof(BlindAIEnclaveOptions), child, unknown);
            }
            else if (Is(child, InferenceSection))
            {
                CheckValue(typeof(InferenceEngineOptions), child, unknown);
            }
            else if (Is(child, CollateralSection))
            {
                CheckValue(typeof(CollateralSections), child, unknown);
            }
            else
            {
                CheckMember(typeof(BlindAIServerOptions), child, unknown);
            }
        }

        var failures = new List<string>(unknown.Select(path =>
            $"Unknown setting '{path}': the host has no such setting and would ignore it (check the spelling; see appsettings.json and BlindAIServerOptions)."));
        IConfigurationSection collateral = section.GetSection(CollateralSection);
        RefuseIfSet(failures, collateral.GetSection(IntelPcsSection), options.CollateralSource != CollateralSourceKind.IntelPcs,
            $"it applies only with CollateralSource {CollateralSourceKind.IntelPcs} (now {options.CollateralSource})");
        RefuseIfSet(failures, collateral.GetSection(PccsSection), options.CollateralSource != CollateralSourceKind.Pccs,
            $"it applies only with CollateralSource {CollateralSourceKind.Pccs} (now {options.CollateralSource})");
        if (options.Simulation)
        {
            IConfigurationSection enclave = section.GetSection(EnclaveSection);
            foreach (string name in ReplacedBySimulation)
            {
                RefuseIfSet(failures, enclave.GetSection(name), ignored: true,
                    "simulation replaces it with the simulated platform and sealing key file in the data folder");
            }
        }

        return failures;
    }

    private static void RefuseIfSet(List<string> failures, IConfigurationSection section, bool ignored, string why)
    {
        if (!ignored)
        {
            return;
        }

        // Every key given at or below the section, each by its full path.
        foreach (KeyValuePair<string, string?> setting in section.AsEnumerable().Where(s => s.Value is not null).OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"Setting '{setting.Key}' would be ignored: {why}.");
        }
    }

    private static bool Is(IConfigurationSection section, string name) => string.Equals(section.Key, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>A key below an object: it must name a property the configuration binder sets.</summary>
    private static void CheckMember(Type type, IConfigurationSection section, List<string> unknown)
    {
        PropertyInfo? property = BindableProperty(type, section.Key);
        if (property is null)
        {
            unknown.Add(section.Path);
            return;
        }

        CheckValue(property.PropertyType, section, unknown);
    }

    /// <summary>A section bound to <paramref name="type"/>: nothing below a plain value, every element of a list, every member of an object.</summary>
    private static void CheckValue(Type type, IConfigurationSection section, List<string> unknown)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsPlainValue(type))
        {
            // The binder reads the section's own value and never looks below it.
            unknown.AddRange(section.GetChildren().Select(child => child.Path));
            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (IConfigurationSection child in section.GetChildren())
            {
                CheckValue(element, child, unknown);
            }

            return;
        }

        if (section.Value is not null)
        {
            // A value where an object is expected: the binder ignores it.
            unknown.Add(section.Path);
        }

        foreach (IConfigurationSection child in section.GetChildren())
        {
            CheckMember(type, child, unknown);
        }
    }

    /// <summary>As the configuration binder decides: a type it converts from a string (numbers, enums, TimeSpan, Uri, …).</summary>
    private static bool IsPlainValue(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    /// <summary>The element (or dictionary value) type of a collection the binder fills, whatever the child keys are.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        Type? dictionary = new[] { type }.Concat(type.GetInterfaces()).FirstOrDefault(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        Type? enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    /// <summary>A public instance property with a public getter and setter (init included), matched as the binder matches: ignoring case.</summary>
    private static PropertyInfo? BindableProperty(Type type, string name) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(property =>
            string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)
            && property.GetIndexParameters().Length == 0
            && property.GetMethod is { IsPublic: true }
            && property.SetMethod is { IsPublic: true });

    /// <summary>The shape of <c>BlindAI:Collateral</c>, which <c>SampleHostApplication</c> binds section by section.</summary>
    private sealed class CollateralSections
    {
        public IntelPcsOptions? IntelPcs { get; set; }

        public PccsOptions? Pccs { get; set; }
    }
}
