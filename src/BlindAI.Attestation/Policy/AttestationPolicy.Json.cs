using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BlindAI.Attestation.Policy;

public sealed partial record AttestationPolicy
{
    /// <summary>
    /// Reads a policy from JSON. Every member is optional and starts from <see cref="Strict"/>; unknown members are errors.
    /// <code>
    /// {
    ///   "allowDebug": false,                      // true = AllowDebug() (insecure)
    ///   "allowUnpinnedIdentity": false,           // true = AllowUnpinnedIdentity()
    ///   "acceptedTcbStatuses": ["SWHardeningNeeded"], // accepted in addition to UpToDate (TcbStatus names; never Revoked)
    ///   "acceptedAdvisoryIds": ["INTEL-SA-00615"],
    ///   "deniedAdvisoryIds": ["INTEL-SA-00334"],  // never accepted, whatever else is: DenyAdvisoryIds()
    ///   "minimumTcbEvaluationDataNumber": 17,
    ///   "collateralGracePeriodSeconds": 3600,
    ///   "sgx": {
    ///     "mrEnclave": "hex32" or ["hex32", ...],   // any one matches
    ///     "mrSigner": "hex32",
    ///     "isvProdId": 0,
    ///     "minimumIsvSvn": 1,
    ///     "attributeFlags": { "value": "0x5", "mask": "0xfffffffffffffffd" }, // mask defaults to all ones
    ///     "xfrm": { "value": "0x3", "mask": "0xffffffffffffff1b" },
    ///     "miscSelect": { "value": "0x0", "mask": "0xffffffff" },
    ///     "allowProvisionKey": false,             // true = AllowSgxProvisionKey()
    ///     "allowEInitTokenKey": false,            // true = AllowSgxEInitTokenKey()
    ///     "allow32BitEnclave": false              // true = AllowSgx32BitEnclave()
    ///   },
    ///   "tdx": {
    ///     "mrTd": "hex48", "rtmr0": "hex48", "rtmr1": "hex48", "rtmr2": "hex48", "rtmr3": "hex48",
    ///     "mrConfigId": "hex48", "mrOwner": "hex48", "mrOwnerConfig": "hex48",
    ///     "tdAttributes": { "value": "0x10000000", "mask": "0xffffffffffffffff" },
    ///     "xfam": { "value": "0xe7", "mask": "0xffffffffffffffff" },
    ///     "allowSeptVeEnabled": false,            // true = AllowTdxSeptVeEnabled() (insecure for Linux guests)
    ///     "allowAttributeBits": "0x8000000",      // AllowTdxAttributeBits(0x8000000): reserved TD attribute bits accepted
    ///     "allowServiceTd": false                 // true = AllowTdxServiceTd()
    ///   }
    /// }
    /// </code>
    /// Measurements are hexadecimal strings (an optional <c>0x</c>); masked values are hexadecimal strings.
    /// The <c>//</c> notes above explain the members; the file itself may not contain comments or trailing commas.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The text is not JSON (<see cref="AttestationFormatErrorReason.InvalidJson"/>) or a member is unknown or has a bad value (<see cref="AttestationFormatErrorReason.InvalidField"/>).</exception>
    public static AttestationPolicy FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromJson(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a policy from UTF-8 JSON; see <see cref="FromJson(string)"/> for the schema.</summary>
    /// <param name="utf8Json">The UTF-8 JSON bytes.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not JSON or do not follow the schema.</exception>
    public static AttestationPolicy FromJson(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"The policy is not valid JSON: {ex.Message}", ex.BytePositionInLine, ex);
        }

        using (document)
        {
            AttestationPolicy policy = Strict;
            foreach (JsonProperty member in Members(document.RootElement, "$"))
            {
                JsonElement v = member.Value;
                policy = member.Name switch
                {
                    "allowDebug" => Boolean(v, "$.allowDebug") ? policy.AllowDebug() : policy,
                    "allowUnpinnedIdentity" => Boolean(v, "$.allowUnpinnedIdentity") ? policy.AllowUnpinnedIdentity() : policy,
                    "acceptedTcbStatuses" => policy.AcceptTcbStatuses(Strings(v, "$.acceptedTcbStatuses").Select(s => ParseStatus(s, "$.acceptedTcbStatuses"))),
                    "acceptedAdvisoryIds" => Apply("$.acceptedAdvisoryIds", () => policy.AcceptAdvisoryIds(Strings(v, "$.acceptedAdvisoryIds"))),
                    "deniedAdvisoryIds" => Apply("$.deniedAdvisoryIds", () => policy.DenyAdvisoryIds(Strings(v, "$.deniedAdvisoryIds"))),
                    "minimumTcbEvaluationDataNumber" => policy.RequireMinimumTcbEvaluationDataNumber(Integer(v, "$.minimumTcbEvaluationDataNumber", int.MaxValue)),
                    "collateralGracePeriodSeconds" => policy.AllowCollateralGracePeriod(TimeSpan.FromSeconds(Integer(v, "$.collateralGracePeriodSeconds", int.MaxValue))),
                    "sgx" => ReadSgx(policy, v),
                    "tdx" => ReadTdx(policy, v),
                    _ => throw Unknown("$", member.Name),
                };
            }

            return policy;
        }
    }

    private static AttestationPolicy ReadSgx(AttestationPolicy policy, JsonElement sgx)
    {
        foreach (JsonProperty member in Members(sgx, "$.sgx"))
        {
            string path = "$.sgx." + member.Name;
            JsonElement v = member.Value;
            switch (member.Name)
            {
                case "mrEnclave":
                    IEnumerable<string> values = v.ValueKind == JsonValueKind.Array ? Strings(v, path) : [String(v, path)];
                    policy = Apply(path, () => policy.RequireMrEnclave(values.Select(h => Hex(h, path))));
                    break;
                case "mrSigner": policy = Apply(path, () => policy.RequireMrSigner(Hex(String(v, path), path))); break;
                case "isvProdId": policy = policy.RequireIsvProdId((ushort)Integer(v, path, ushort.MaxValue)); break;
                case "minimumIsvSvn": policy = policy.RequireMinimumIsvSvn((ushort)Integer(v, path, ushort.MaxValue)); break;
                case "attributeFlags": policy = policy.RequireSgxAttributeFlags(Masked(v, path, ulong.MaxValue)); break;
                case "xfrm": policy = policy.RequireSgxXfrm(Masked(v, path, ulong.MaxValue)); break;
                case "miscSelect": policy = policy.RequireMiscSelect(Masked(v, path, uint.MaxValue)); break;
                case "allowProvisionKey": policy = Boolean(v, path) ? policy.AllowSgxProvisionKey() : policy; break;
                case "allowEInitTokenKey": policy = Boolean(v, path) ? policy.AllowSgxEInitTokenKey() : policy; break;
                case "allow32BitEnclave": policy = Boolean(v, path) ? policy.AllowSgx32BitEnclave() : policy; break;
                default: throw Unknown("$.sgx", member.Name);
            }
        }

        return policy;
    }

    private static AttestationPolicy ReadTdx(AttestationPolicy policy, JsonElement tdx)
    {
        foreach (JsonProperty member in Members(tdx, "$.tdx"))
        {
            string path = "$.tdx." + member.Name;
            JsonElement v = member.Value;
            policy = member.Name switch
            {
                "mrTd" => Apply(path, () => policy.RequireMrTd(Hex(String(v, path), path))),
                "rtmr0" or "rtmr1" or "rtmr2" or "rtmr3" => Apply(path, () => policy.RequireRtmr(member.Name[^1] - '0', Hex(String(v, path), path))),
                "mrConfigId" => Apply(path, () => policy.RequireMrConfigId(Hex(String(v, path), path))),
                "mrOwner" => Apply(path, () => policy.RequireMrOwner(Hex(String(v, path), path))),
                "mrOwnerConfig" => Apply(path, () => policy.RequireMrOwnerConfig(Hex(String(v, path), path))),
                "tdAttributes" => policy.RequireTdAttributes(Masked(v, path, ulong.MaxValue)),
                "xfam" => policy.RequireXfam(Masked(v, path, ulong.MaxValue)),
                "allowSeptVeEnabled" => Boolean(v, path) ? policy.AllowTdxSeptVeEnabled() : policy,
                "allowAttributeBits" => Apply(path, () => policy.AllowTdxAttributeBits(HexNumber(String(v, path), path, ulong.MaxValue))),
                "allowServiceTd" => Boolean(v, path) ? policy.AllowTdxServiceTd() : policy,
                _ => throw Unknown("$.tdx", member.Name),
            };
        }

        return policy;
    }

    private static List<JsonProperty> Members(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "must be an object");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var members = new List<JsonProperty>();
        foreach (JsonProperty member in element.EnumerateObject())
        {
            if (!seen.Add(member.Name))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"The policy member {path}.{member.Name} appears twice.");
            }

            members.Add(member);
        }

        return members;
    }

    private static MaskedValue Masked(JsonElement element, string path, ulong max)
    {
        ulong? value = null, mask = null;
        foreach (JsonProperty member in Members(element, path))
        {
            string memberPath = path + "." + member.Name;
            switch (member.Name)
            {
                case "value": value = HexNumber(String(member.Value, memberPath), memberPath, max); break;
                case "mask": mask = HexNumber(String(member.Value, memberPath), memberPath, max); break;
                default: throw Unknown(path, member.Name);
            }
        }

        return CreateMasked(value ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"The policy member {path} has no value."), mask ?? max, path);
    }

    private static bool Boolean(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid(path, "must be true or false"),
    };

    private static string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Invalid(path, "must be a string");

    private static List<string> Strings(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Array
            ? [.. element.EnumerateArray().Select((e, i) => String(e, Invariant($"{path}[{i}]")))]
            : throw Invalid(path, "must be an array of strings");

    private static int Integer(JsonElement element, string path, int max) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value) && value >= 0 && value <= max
            ? value
            : throw Invalid(path, Invariant($"must be an integer from 0 to {max}"));

    private static TcbStatus ParseStatus(string text, string path) =>
        Enum.TryParse(text, ignoreCase: false, out TcbStatus status) && Enum.IsDefined(status) && !char.IsAsciiDigit(text[0])
            ? status == TcbStatus.Revoked ? throw Invalid(path, $"holds '{text}'. {RevokedNeverAccepted}") : status
            : throw Invalid(path, $"holds '{text}', which is not a TCB status a policy can accept ({string.Join(", ", Enum.GetNames<TcbStatus>().Where(n => n != nameof(TcbStatus.Revoked)))})");

    private static Measurement Hex(string text, string path) =>
        Measurement.TryParse(text, out Measurement value) ? value : throw Invalid(path, "must be hexadecimal text with an even number of digits");

    private static ulong HexNumber(string text, string path, ulong max)
    {
        ReadOnlySpan<char> digits = text.AsSpan().Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value) && value <= max
            ? value
            : throw Invalid(path, Invariant($"must be a hexadecimal number (optional 0x) up to 0x{max:x}"));
    }

    private static MaskedValue CreateMasked(ulong value, ulong mask, string path)
    {
        try
        {
            return new MaskedValue(value, mask);
        }
        catch (ArgumentException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"The policy member {path} is invalid: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Turns a builder's argument check (for example a measurement of the wrong length) into a format error naming the member.</summary>
    private static AttestationPolicy Apply(string path, Func<AttestationPolicy> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"The policy member {path} is invalid: {ex.Message}", innerException: ex);
        }
    }

    private static AttestationFormatException Unknown(string path, string name) =>
        new(AttestationFormatErrorReason.InvalidField, $"The policy member {path}.{name} is unknown.");

    private static AttestationFormatException Invalid(string path, string what) =>
        new(AttestationFormatErrorReason.InvalidField, $"The policy member {path} {what}.");
}
