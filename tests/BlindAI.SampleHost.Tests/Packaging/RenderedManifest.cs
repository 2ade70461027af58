using System.Globalization;
using BlindAI.Testing;
using Tomlyn;
using Tomlyn.Model;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>A rendered Gramine manifest parsed as TOML, with typed access by dotted key (<c>sgx.enclave_size</c>).</summary>
public sealed class RenderedManifest
{
    private RenderedManifest(string text, TomlTable root, IReadOnlyDictionary<string, string> defines)
    {
        Text = text;
        Root = root;
        Defines = defines;
    }

    /// <summary>The rendered TOML text.</summary>
    public string Text { get; }

    public TomlTable Root { get; }

    /// <summary>The template variables it was rendered with.</summary>
    public IReadOnlyDictionary<string, string> Defines { get; }

    /// <summary>
    /// The manifest template rendered with the Makefile's variables (<paramref name="makeVariables"/> override its
    /// defaults) by gramine-manifest's engine (<see cref="GramineFolder.RenderTemplateAsync"/>). Its arguments and
    /// environment as read here must be what Python's tomllib read, the parser family Gramine uses.
    /// </summary>
    public static async Task<RenderedManifest> RenderAsync(params string[] makeVariables)
    {
        var rendered = await GramineFolder.RenderTemplateAsync(makeVariables);
        var manifest = Parse(rendered.Text, rendered.Defines);
        Assert.Equal(rendered.Argv, manifest.Strings("loader.argv"));
        Assert.Equal(rendered.Environment.OrderBy(e => e.Key, StringComparer.Ordinal), manifest.Environment.OrderBy(e => e.Key, StringComparer.Ordinal));
        return manifest;
    }

    public static RenderedManifest Parse(string text, IReadOnlyDictionary<string, string> defines)
    {
        try
        {
            return new RenderedManifest(text, TomlSerializer.Deserialize<TomlTable>(text)!, defines);
        }
        catch (TomlException exception)
        {
            throw new Xunit.Sdk.XunitException($"The rendered manifest is not valid TOML: {exception.Message}\n{text}");
        }
    }

    public bool Contains(string key) => TryGet(key, out _);

    public object Get(string key) =>
        TryGet(key, out var value) ? value : throw new Xunit.Sdk.XunitException($"The manifest has no '{key}'.");

    public string String(string key) => Get(key) as string ?? throw Wrong(key, "a string");

    public long Integer(string key) => Get(key) is long value ? value : throw Wrong(key, "an integer");

    public bool Boolean(string key) => Get(key) is bool value ? value : throw Wrong(key, "a boolean");

    public IReadOnlyList<object> Array(string key) =>
        Get(key) is TomlArray array ? [.. array.Cast<object>()] : throw Wrong(key, "an array");

    public IReadOnlyList<string> Strings(string key) =>
        [.. Array(key).Select(item => item as string ?? throw Wrong(key, "an array of strings"))];

    public IReadOnlyList<TomlTable> Tables(string key) =>
        [.. Array(key).Select(item => item as TomlTable ?? throw Wrong(key, "an array of tables"))];

    /// <summary>The environment the enclave starts with: <c>loader.env</c>, every value a fixed string.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        ((TomlTable)Get("loader.env")).ToDictionary(
            entry => entry.Key,
            entry => entry.Value as string ?? throw Wrong("loader.env." + entry.Key, "a fixed string (not passthrough)"),
            StringComparer.Ordinal);

    /// <summary>Every key path down to the leaves (values that are not tables), e.g. <c>loader.env.HOME</c>.</summary>
    public IEnumerable<string> LeafKeys() => Leaves(Root, prefix: "");

    /// <summary>A Gramine size ("8G", "512M", "4096") in bytes.</summary>
    public static long ParseSize(string size)
    {
        ArgumentException.ThrowIfNullOrEmpty(size);
        var (digits, multiplier) = char.ToUpperInvariant(size[^1]) switch
        {
            'K' => (size[..^1], 1L << 10),
            'M' => (size[..^1], 1L << 20),
            'G' => (size[..^1], 1L << 30),
            _ => (size, 1L),
        };
        return checked(long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) * multiplier);
    }

    private bool TryGet(string key, out object value)
    {
        object current = Root;
        foreach (var part in key.Split('.'))
        {
            if (current is not TomlTable table || !table.TryGetValue(part, out var next) || next is null)
            {
                value = null!;
                return false;
            }

            current = next;
        }

        value = current;
        return true;
    }

    private static IEnumerable<string> Leaves(TomlTable table, string prefix)
    {
        foreach (var (name, value) in table)
        {
            var key = prefix + name;
            if (value is TomlTable child)
            {
                foreach (var leaf in Leaves(child, key + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private Xunit.Sdk.XunitException Wrong(string key, string expected) =>
        new($"'{key}' should be {expected}, but is {(TryGet(key, out var actual) ? $"{actual} ({actual.GetType().Name})" : "missing")}.");
}
