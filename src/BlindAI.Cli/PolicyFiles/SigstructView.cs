using System.Globalization;
using System.Text.Json;
using BlindAI.Attestation;

namespace BlindAI.Cli.PolicyFiles;

/// <summary>
/// What <c>gramine-sgx-sigstruct-view --output-format=json [--verbose]</c> prints about a signed enclave: the identity
/// (<c>mr_enclave</c>, <c>mr_signer</c>, <c>isv_prod_id</c>, <c>isv_svn</c>, <c>debug_enclave</c>) and, with
/// <c>--verbose</c>, the attributes the SIGSTRUCT makes EINIT enforce (<c>attribute_flags</c>, <c>attribute_flags_mask</c>,
/// <c>attribute_xfrms</c>, <c>attribute_xfrm_mask</c>, <c>misc_select</c>, <c>misc_mask</c>). Key names follow Gramine's
/// <c>python/gramine-sgx-sigstruct-view</c>; other keys (<c>date</c>) are ignored.
/// </summary>
internal sealed record SigstructView(
    Measurement MrEnclave,
    Measurement MrSigner,
    ushort IsvProdId,
    ushort IsvSvn,
    bool IsDebug,
    SigstructAttributes? Attributes)
{
    private const ulong SgxDebugFlag = 0x2;

    private static readonly string[] AttributeKeys =
        ["attribute_flags", "attribute_flags_mask", "attribute_xfrms", "attribute_xfrm_mask", "misc_select", "misc_mask"];

    /// <summary>Reads the JSON text; anything that is not a well-formed description of a signed enclave is refused.</summary>
    /// <exception cref="CliInputException">The text is not the JSON output, or a value is missing or malformed.</exception>
    public static SigstructView Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            // The default output is plain text, which Gramine documents as unstable: say which option gives JSON.
            string hint = text.TrimStart().StartsWith("Attributes:", StringComparison.Ordinal)
                ? " (this is the unstable plain-text format: run gramine-sgx-sigstruct-view --output-format=json)"
                : string.Empty;
            throw Refused($"the input is not JSON: {ex.Message}{hint}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Refused("the input must be a JSON object (the output of gramine-sgx-sigstruct-view --output-format=json)");
            }

            var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (JsonProperty member in root.EnumerateObject())
            {
                // A duplicated key would let two tools read two different identities from one file.
                if (!members.TryAdd(member.Name, member.Value))
                {
                    throw Refused($"key '{member.Name}' appears more than once");
                }
            }

            bool debug = members.TryGetValue("debug_enclave", out JsonElement debugValue) && debugValue.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? debugValue.GetBoolean()
                : throw Refused($"'debug_enclave' must be true or false, got {Show(members, "debug_enclave")}");
            SigstructAttributes? attributes = ReadAttributes(members);
            if (attributes is not null && ((attributes.Flags & SgxDebugFlag) != 0) != debug)
            {
                throw Refused("'attribute_flags' and 'debug_enclave' disagree about the DEBUG attribute");
            }

            return new SigstructView(
                Sha256Value(members, "mr_enclave"),
                Sha256Value(members, "mr_signer"),
                UInt16(members, "isv_prod_id"),
                UInt16(members, "isv_svn"),
                debug,
                attributes);
        }
    }

    private static SigstructAttributes? ReadAttributes(Dictionary<string, JsonElement> members)
    {
        string[] present = [.. AttributeKeys.Where(members.ContainsKey)];
        if (present.Length == 0)
        {
            return null;
        }

        if (present.Length != AttributeKeys.Length)
        {
            // Half a description would leave the manifest's attribute checks to guesses.
            throw Refused($"the --verbose attribute keys are incomplete: {string.Join(", ", AttributeKeys.Except(present))} missing");
        }

        return new SigstructAttributes(
            Hex(members, "attribute_flags", ulong.MaxValue),
            Hex(members, "attribute_flags_mask", ulong.MaxValue),
            Hex(members, "attribute_xfrms", ulong.MaxValue),
            Hex(members, "attribute_xfrm_mask", ulong.MaxValue),
            (uint)Hex(members, "misc_select", uint.MaxValue),
            (uint)Hex(members, "misc_mask", uint.MaxValue));
    }

    private static Measurement Sha256Value(Dictionary<string, JsonElement> members, string key)
    {
        if (!members.TryGetValue(key, out JsonElement value) || value.ValueKind != JsonValueKind.String
            || value.GetString() is not { Length: 64 } hex || !Measurement.TryParse(hex, out Measurement measurement) || measurement.Length != 32)
        {
            throw Refused($"'{key}' must be 64 hexadecimal characters (a SHA-256 value), got {Show(members, key)}");
        }

        // An all-zero value is what an unsigned or placeholder SIGSTRUCT holds; pinning it would pin nothing real.
        return measurement.IsZero ? throw Refused($"'{key}' is all zeros: this is not the SIGSTRUCT of a signed enclave") : measurement;
    }

    private static ushort UInt16(Dictionary<string, JsonElement> members, string key) =>
        members.TryGetValue(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out ushort number)
            ? number
            : throw Refused($"'{key}' must be an integer between 0 and 65535, got {Show(members, key)}");

    private static ulong Hex(Dictionary<string, JsonElement> members, string key, ulong max)
    {
        // Gramine prints these with Python's hex(): "0x" and lower-case digits.
        if (members[key].ValueKind == JsonValueKind.String && members[key].GetString() is { } text
            && text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value) && value <= max)
        {
            return value;
        }

        throw Refused(string.Create(CultureInfo.InvariantCulture, $"'{key}' must be a hexadecimal string such as \"0x4\" up to 0x{max:x}, got {Show(members, key)}"));
    }

    private static string Show(Dictionary<string, JsonElement> members, string key) =>
        members.TryGetValue(key, out JsonElement value) ? Truncate(value.GetRawText()) : "nothing";

    private static string Truncate(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");

    private static CliInputException Refused(string reason) => new($"sigstruct: {reason}.");
}

/// <summary>The attributes a SIGSTRUCT makes EINIT enforce: the enclave's SECS values under each mask must equal the SIGSTRUCT's.</summary>
internal sealed record SigstructAttributes(ulong Flags, ulong FlagsMask, ulong Xfrm, ulong XfrmMask, uint MiscSelect, uint MiscMask);
