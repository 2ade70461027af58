using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

internal sealed partial class TcbInfo
{
    private const int MaxTcbLevels = 1024;

    private static readonly string[] V2ComponentNames =
        [.. Enumerable.Range(1, TcbLevel.ComponentCount).Select(c => string.Create(CultureInfo.InvariantCulture, $"sgxtcbcomp{c:D2}svn"))];

    /// <summary>
    /// Parses the signed <c>tcbInfo</c> JSON object (the inner object, not the PCS response body around it) and keeps a
    /// copy of its exact bytes for signature verification.
    /// </summary>
    /// <remarks>
    /// TCB levels are ordered highest first: by SGX component SVNs, then PCESVN, then TDX component SVNs, compared
    /// lexicographically, descending (stable for equal levels). Intel publishes them in that order and Intel's QVL keeps
    /// them in an ordered set with the same comparison, so level matching ("first level the platform reaches") gives
    /// QVL's answer even if a document lists levels in another order. QE Identity levels are ordered by ISVSVN, descending.
    /// </remarks>
    /// <param name="utf8Json">The UTF-8 bytes of the <c>tcbInfo</c> object.</param>
    /// <returns>The TCB Info.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or a field is missing, unknown or out of range.</exception>
    public static TcbInfo Parse(ReadOnlySpan<byte> utf8Json)
    {
        var raw = utf8Json.ToArray();
        using var document = CollateralJson.Parse(raw, "TCB Info");
        try
        {
            return FromElement(document.RootElement, raw);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports strings with invalid escapes (lone surrogates) only when they are read.
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"TCB Info holds a string that is not valid text: {e.Message}", innerException: e);
        }
    }

    /// <summary>Parses the signed <c>tcbInfo</c> JSON object, without throwing.</summary>
    /// <param name="utf8Json">The UTF-8 bytes of the <c>tcbInfo</c> object.</param>
    /// <param name="tcbInfo">The TCB Info, when the input is well formed.</param>
    /// <param name="error">The reason it is not, otherwise.</param>
    /// <returns><see langword="true"/> when the input is a well-formed TCB Info.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TcbInfo? tcbInfo, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out AttestationFormatException? error)
    {
        try
        {
            tcbInfo = Parse(utf8Json);
            error = null;
            return true;
        }
        catch (AttestationFormatException e)
        {
            tcbInfo = null;
            error = e;
            return false;
        }
    }

    private static TcbInfo FromElement(JsonElement root, byte[] raw)
    {
        const string P = "tcbInfo";
        CollateralJson.Object(root, P);
        var version = CollateralJson.RequiredInt(root, "version", P, 0, int.MaxValue);
        if (version is not (2 or 3))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedVersion, $"TCB Info version {version} is not supported (2 or 3).");
        }

        var id = TcbInfoId.Sgx;
        if (version == 3 || root.TryGetProperty("id", out _))
        {
            var idText = CollateralJson.RequiredString(root, "id", P);
            id = idText switch
            {
                "SGX" => TcbInfoId.Sgx,
                "TDX" => TcbInfoId.Tdx,
                _ => throw CollateralJson.Invalid($"{P}.id", $"'{idText}' is not SGX or TDX"),
            };
        }

        if (id == TcbInfoId.Tdx && version != 3)
        {
            throw CollateralJson.Invalid($"{P}.version", "must be 3 for TDX");
        }

        var levelsElement = CollateralJson.RequiredArray(root, "tcbLevels", P, MaxTcbLevels);
        var levels = new TcbLevel[levelsElement.GetArrayLength()];
        if (levels.Length == 0)
        {
            throw CollateralJson.Invalid($"{P}.tcbLevels", "must not be empty");
        }

        var i = 0;
        foreach (var level in levelsElement.EnumerateArray())
        {
            levels[i] = ParseLevel(level, $"{P}.tcbLevels[{i}]", version, id);
            i++;
        }

        // Stable sort (LINQ OrderBy is stable): equal levels keep the document's order.
        var ordered = levels.OrderByDescending(l => l, TcbLevelOrder.Instance).ToImmutableArray();

        TdxModule? module = null;
        var identities = ImmutableArray<TdxModuleIdentity>.Empty;
        if (id == TcbInfoId.Tdx)
        {
            var moduleElement = CollateralJson.RequiredObject(root, "tdxModule", P);
            module = new TdxModule
            {
                MrSigner = CollateralJson.RequiredHex(moduleElement, "mrsigner", $"{P}.tdxModule", 48),
                Attributes = CollateralJson.RequiredHex(moduleElement, "attributes", $"{P}.tdxModule", 8),
                AttributesMask = CollateralJson.RequiredHex(moduleElement, "attributesMask", $"{P}.tdxModule", 8),
            };
            if (CollateralJson.Optional(root, "tdxModuleIdentities", out var identitiesElement))
            {
                identities = ParseModuleIdentities(identitiesElement, $"{P}.tdxModuleIdentities");
            }
        }

        return new TcbInfo
        {
            Id = id,
            Version = version,
            IssueDate = CollateralJson.RequiredDate(root, "issueDate", P),
            NextUpdate = CollateralJson.RequiredDate(root, "nextUpdate", P),
            Fmspc = CollateralJson.RequiredHex(root, "fmspc", P, 6),
            PceId = CollateralJson.RequiredHex(root, "pceId", P, 2),
            TcbType = CollateralJson.RequiredInt(root, "tcbType", P, 0, int.MaxValue),
            TcbEvaluationDataNumber = CollateralJson.RequiredInt(root, "tcbEvaluationDataNumber", P, 0, int.MaxValue),
            TcbLevels = ordered,
            TdxModule = module,
            TdxModuleIdentities = identities,
            RawJson = raw,
        };
    }

    private static TcbLevel ParseLevel(JsonElement level, string path, int version, TcbInfoId id)
    {
        CollateralJson.Object(level, path);
        var tcb = CollateralJson.RequiredObject(level, "tcb", path);
        var tcbPath = path + ".tcb";
        ImmutableArray<TcbComponent> sgx;
        var tdx = ImmutableArray<TcbComponent>.Empty;
        if (version == 2)
        {
            var builder = ImmutableArray.CreateBuilder<TcbComponent>(TcbLevel.ComponentCount);
            foreach (var name in V2ComponentNames)
            {
                builder.Add(new TcbComponent((byte)CollateralJson.RequiredInt(tcb, name, tcbPath, 0, byte.MaxValue)));
            }

            sgx = builder.MoveToImmutable();
        }
        else
        {
            sgx = ParseComponents(tcb, "sgxtcbcomponents", tcbPath);
            if (id == TcbInfoId.Tdx)
            {
                tdx = ParseComponents(tcb, "tdxtcbcomponents", tcbPath);
            }
        }

        var advisories = CollateralJson.OptionalStringArray(level, "advisoryIDs", path);
        return new TcbLevel
        {
            SgxComponents = sgx,
            PceSvn = (ushort)CollateralJson.RequiredInt(tcb, "pcesvn", tcbPath, 0, ushort.MaxValue),
            TdxComponents = tdx,
            TcbDate = CollateralJson.RequiredDate(level, "tcbDate", path),
            TcbStatus = CollateralJson.RequiredStatus(level, "tcbStatus", path),
            AdvisoryIds = advisories,
        };
    }

    /// <summary>Exactly 16 components: a shorter list zipped with the platform's 16 SVNs would silently skip checks.</summary>
    private static ImmutableArray<TcbComponent> ParseComponents(JsonElement tcb, string name, string parent)
    {
        var element = CollateralJson.Required(tcb, name, parent);
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != TcbLevel.ComponentCount)
        {
            throw CollateralJson.Invalid($"{parent}.{name}", $"must be an array of exactly {TcbLevel.ComponentCount} components");
        }

        var builder = ImmutableArray.CreateBuilder<TcbComponent>(TcbLevel.ComponentCount);
        foreach (var component in element.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Object)
            {
                throw CollateralJson.Invalid($"{parent}.{name}[{builder.Count}]", "must be an object");
            }

            // One pass over the (at most three) members instead of a lookup per name: this loop runs 16 times per level.
            int? svn = null;
            string? category = null, type = null;
            foreach (var member in component.EnumerateObject())
            {
                if (member.NameEquals("svn"u8))
                {
                    svn = CollateralJson.TryInt(member.Value, 0, byte.MaxValue, out var value) ? value : throw CollateralJson.Invalid($"{parent}.{name}[{builder.Count}].svn", "must be an integer from 0 to 255");
                }
                else if (member.NameEquals("category"u8))
                {
                    category = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : throw CollateralJson.Invalid($"{parent}.{name}[{builder.Count}].category", "must be a string");
                }
                else if (member.NameEquals("type"u8))
                {
                    type = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : throw CollateralJson.Invalid($"{parent}.{name}[{builder.Count}].type", "must be a string");
                }
            }

            builder.Add(new TcbComponent(
                (byte)(svn ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"{parent}.{name}[{builder.Count}].svn is missing.")),
                category,
                type));
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<TdxModuleIdentity> ParseModuleIdentities(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > 256)
        {
            throw CollateralJson.Invalid(path, "must be an array of at most 256 identities");
        }

        var builder = ImmutableArray.CreateBuilder<TdxModuleIdentity>(element.GetArrayLength());
        var i = 0;
        foreach (var identity in element.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            CollateralJson.Object(identity, itemPath);
            builder.Add(new TdxModuleIdentity
            {
                Id = CollateralJson.RequiredString(identity, "id", itemPath),
                MrSigner = CollateralJson.RequiredHex(identity, "mrsigner", itemPath, 48),
                Attributes = CollateralJson.RequiredHex(identity, "attributes", itemPath, 8),
                AttributesMask = CollateralJson.RequiredHex(identity, "attributesMask", itemPath, 8),
                TcbLevels = EnclaveTcbLevels.Parse(identity, itemPath),
            });
        }

        return builder.MoveToImmutable();
    }

    /// <summary>Intel QVL's TCB level order: SGX SVNs, then PCESVN, then TDX SVNs, lexicographically.</summary>
    private sealed class TcbLevelOrder : IComparer<TcbLevel>
    {
        public static readonly TcbLevelOrder Instance = new();

        public int Compare(TcbLevel? x, TcbLevel? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            for (var i = 0; i < TcbLevel.ComponentCount; i++)
            {
                var c = x.SgxComponents[i].Svn.CompareTo(y.SgxComponents[i].Svn);
                if (c != 0)
                {
                    return c;
                }
            }

            var pce = x.PceSvn.CompareTo(y.PceSvn);
            if (pce != 0)
            {
                return pce;
            }

            for (var i = 0; i < Math.Min(x.TdxComponents.Length, y.TdxComponents.Length); i++)
            {
                var c = x.TdxComponents[i].Svn.CompareTo(y.TdxComponents[i].Svn);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }
    }
}
