using Tomlyn;
using Tomlyn.Model;

namespace BlindAI.Attestation.Policy;

public sealed partial record AttestationPolicy
{
    private static readonly string[] ManifestKeys =
    [
        "mr_enclave", "allow_debug",
        "attributes_flags_hex", "attributes_mask_flags_hex",
        "attributes_xfrm_hex", "attributes_mask_xfrm_hex",
        "misc_select_hex", "misc_mask_hex",
    ];

    /// <summary>
    /// Reads the original BlindAI <c>manifest.toml</c> (also called <c>policy.toml</c>):
    /// <code>
    /// mr_enclave = "hex32"                               # required
    /// allow_debug = false                                # true = AllowDebug() (insecure)
    /// attributes_flags_hex = "0x4"                       # INIT (bit 0) is added, as BlindAI did
    /// attributes_mask_flags_hex = "0xfffffffffffffffd"
    /// attributes_xfrm_hex = "0x3"
    /// attributes_mask_xfrm_hex = "0xffffffffffffff1b"
    /// misc_select_hex = "0x0"
    /// misc_mask_hex = "0xffffffff"
    /// </code>
    /// A value without its mask compares every bit; a mask without its value is an error. The manifest has
    /// no TCB settings: the result keeps <see cref="Strict"/>'s (UpToDate only, no advisories), unlike the
    /// original client, which silently accepted SWHardeningNeeded; relax explicitly with <see cref="AcceptTcbStatuses"/>
    /// (which never accepts Revoked). A key that tries to choose TCB statuses is refused as unknown.
    /// </summary>
    /// <param name="toml">The manifest text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The text is not TOML, a key is unknown or missing (<see cref="AttestationFormatErrorReason.MissingField"/>), or a value is malformed (<see cref="AttestationFormatErrorReason.InvalidField"/>).</exception>
    public static AttestationPolicy FromBlindAiManifest(string toml)
    {
        ArgumentNullException.ThrowIfNull(toml);
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(toml) ?? throw new TomlException("The document is empty.");
        }
        catch (TomlException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"The manifest is not valid TOML: {ex.Message}", innerException: ex);
        }

        foreach (KeyValuePair<string, object> entry in table)
        {
            if (!ManifestKeys.Contains(entry.Key, StringComparer.Ordinal))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"The manifest key '{entry.Key}' is unknown (known: {string.Join(", ", ManifestKeys)}).");
            }
        }

        AttestationPolicy policy = Strict;
        string mrEnclave = TomlString(table, "mr_enclave")
            ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, "The manifest has no mr_enclave.");
        policy = Apply("mr_enclave", () => policy.RequireMrEnclave(Hex(mrEnclave, "mr_enclave")));

        if (table.TryGetValue("allow_debug", out object? allowDebug))
        {
            policy = allowDebug is bool allow
                ? (allow ? policy.AllowDebug() : policy)
                : throw Invalid("allow_debug", "must be true or false");
        }

        // An initialised enclave always has INIT set; BlindAI compared against the manifest flags with INIT added.
        if (TomlMasked(table, "attributes_flags_hex", "attributes_mask_flags_hex", ulong.MaxValue, SgxInitFlag) is { } flags)
        {
            policy = policy.RequireSgxAttributeFlags(flags);
        }

        if (TomlMasked(table, "attributes_xfrm_hex", "attributes_mask_xfrm_hex", ulong.MaxValue, 0) is { } xfrm)
        {
            policy = policy.RequireSgxXfrm(xfrm);
        }

        if (TomlMasked(table, "misc_select_hex", "misc_mask_hex", uint.MaxValue, 0) is { } misc)
        {
            policy = policy.RequireMiscSelect(misc);
        }

        return policy;
    }

    /// <summary>
    /// Reads a policy file: <c>.toml</c> files as a BlindAI manifest (<see cref="FromBlindAiManifest"/>), anything else as JSON (<see cref="FromJson(string)"/>).
    /// </summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The file does not hold a valid policy.</exception>
    public static async Task<AttestationPolicy> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return string.Equals(Path.GetExtension(path), ".toml", StringComparison.OrdinalIgnoreCase)
            ? FromBlindAiManifest(text)
            : FromJson(text);
    }

    private const ulong SgxInitFlag = 0x1;

    private static string? TomlString(TomlTable table, string key) =>
        !table.TryGetValue(key, out object? value) ? null
        : value as string ?? throw Invalid(key, "must be a string");

    private static MaskedValue? TomlMasked(TomlTable table, string valueKey, string maskKey, ulong max, ulong implied)
    {
        string? value = TomlString(table, valueKey);
        string? mask = TomlString(table, maskKey);
        if (value is null)
        {
            return mask is null ? null : throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"The manifest has {maskKey} but no {valueKey}.");
        }

        ulong maskBits = mask is null ? max : HexNumber(mask, maskKey, max);
        ulong valueBits = HexNumber(value, valueKey, max) | (implied & maskBits);
        return CreateMasked(valueBits, maskBits, valueKey);
    }
}
