using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

public sealed partial class TcbInfo
{
    private const int MaxTcbLevels = 1024;

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
        return FromElement(document.RootElement, raw);
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
        var version = CollateralJson.Int(CollateralJson.Required(root, "version", P), $"{P}.version", 0, int.MaxValue);
        if (version is not (2 or 3))
        {
            throw new AttestationFormatException(AttestationFormatError.UnsupportedVersion, $"TCB Info version {version} is not supported (2 or 3).");
        }

        var id = TcbInfoId.Sgx;
        if (version == 3 || root.TryGetProperty("id", out _))
        {
            var idText = CollateralJson.String(CollateralJson.Required(root, "id", P), $"{P}.id");
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

        var levelsElement = CollateralJson.Array(CollateralJson.Required(root, "tcbLevels", P), $"{P}.tcbLevels", MaxTcbLevels);
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
            var moduleElement = CollateralJson.Object(CollateralJson.Required(root, "tdxModule", P), $"{P}.tdxModule");
            module = new TdxModule
            {
                MrSigner = CollateralJson.Hex(CollateralJson.Required(moduleElement, "mrsigner", $"{P}.tdxModule"), $"{P}.tdxModule.mrsigner", 48),
                Attributes = CollateralJson.Hex(CollateralJson.Required(moduleElement, "attributes", $"{P}.tdxModule"), $"{P}.tdxModule.attributes", 8),
                AttributesMask = CollateralJson.Hex(CollateralJson.Required(moduleElement, "attributesMask", $"{P}.tdxModule"), $"{P}.tdxModule.attributesMask", 8),
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
            IssueDate = CollateralJson.Date(CollateralJson.Required(root, "issueDate", P), $"{P}.issueDate"),
            NextUpdate = CollateralJson.Date(CollateralJson.Required(root, "nextUpdate", P), $"{P}.nextUpdate"),
            Fmspc = CollateralJson.Hex(CollateralJson.Required(root, "fmspc", P), $"{P}.fmspc", 6),
            PceId = CollateralJson.Hex(CollateralJson.Required(root, "pceId", P), $"{P}.pceId", 2),
            TcbType = CollateralJson.Int(CollateralJson.Required(root, "tcbType", P), $"{P}.tcbType", 0, int.MaxValue),
            TcbEvaluationDataNumber = CollateralJson.Int(CollateralJson.Required(root, "tcbEvaluationDataNumber", P), $"{P}.tcbEvaluationDataNumber", 0, int.MaxValue),
            TcbLevels = ordered,
            TdxModule = module,
            TdxModuleIdentities = identities,
            RawJson = raw,
        };
    }

    private static TcbLevel ParseLevel(JsonElement level, string path, int version, TcbInfoId id)
    {
        CollateralJson.Object(level, path);
        var tcb = CollateralJson.Object(CollateralJson.Required(level, "tcb", path), $"{path}.tcb");
        ImmutableArray<TcbComponent> sgx;
        var tdx = ImmutableArray<TcbComponent>.Empty;
        if (version == 2)
        {
            var builder = ImmutableArray.CreateBuilder<TcbComponent>(TcbLevel.ComponentCount);
            for (var c = 1; c <= TcbLevel.ComponentCount; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"sgxtcbcomp{c:D2}svn");
                builder.Add(new TcbComponent((byte)CollateralJson.Int(CollateralJson.Required(tcb, name, $"{path}.tcb"), $"{path}.tcb.{name}", 0, byte.MaxValue)));
            }

            sgx = builder.MoveToImmutable();
        }
        else
        {
            sgx = ParseComponents(CollateralJson.Required(tcb, "sgxtcbcomponents", $"{path}.tcb"), $"{path}.tcb.sgxtcbcomponents");
            if (id == TcbInfoId.Tdx)
            {
                tdx = ParseComponents(CollateralJson.Required(tcb, "tdxtcbcomponents", $"{path}.tcb"), $"{path}.tcb.tdxtcbcomponents");
            }
        }

        var advisories = CollateralJson.Optional(level, "advisoryIDs", out var advisoryElement)
            ? CollateralJson.StringArray(advisoryElement, $"{path}.advisoryIDs")
            : [];
        return new TcbLevel
        {
            SgxComponents = sgx,
            PceSvn = (ushort)CollateralJson.Int(CollateralJson.Required(tcb, "pcesvn", $"{path}.tcb"), $"{path}.tcb.pcesvn", 0, ushort.MaxValue),
            TdxComponents = tdx,
            TcbDate = CollateralJson.Date(CollateralJson.Required(level, "tcbDate", path), $"{path}.tcbDate"),
            TcbStatus = CollateralJson.Status(CollateralJson.Required(level, "tcbStatus", path), $"{path}.tcbStatus"),
            AdvisoryIds = advisories,
        };
    }

    /// <summary>Exactly 16 components: a shorter list zipped with the platform's 16 SVNs would silently skip checks.</summary>
    private static ImmutableArray<TcbComponent> ParseComponents(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != TcbLevel.ComponentCount)
        {
            throw CollateralJson.Invalid(path, $"must be an array of exactly {TcbLevel.ComponentCount} components");
        }

        var builder = ImmutableArray.CreateBuilder<TcbComponent>(TcbLevel.ComponentCount);
        var i = 0;
        foreach (var component in element.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            CollateralJson.Object(component, itemPath);
            var svn = (byte)CollateralJson.Int(CollateralJson.Required(component, "svn", itemPath), $"{itemPath}.svn", 0, byte.MaxValue);
            var category = CollateralJson.Optional(component, "category", out var c) ? CollateralJson.String(c, $"{itemPath}.category") : null;
            var type = CollateralJson.Optional(component, "type", out var t) ? CollateralJson.String(t, $"{itemPath}.type") : null;
            builder.Add(new TcbComponent(svn, category, type));
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<TdxModuleIdentity> ParseModuleIdentities(JsonElement element, string path)
    {
        CollateralJson.Array(element, path, 256);
        var builder = ImmutableArray.CreateBuilder<TdxModuleIdentity>(element.GetArrayLength());
        var i = 0;
        foreach (var identity in element.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            CollateralJson.Object(identity, itemPath);
            builder.Add(new TdxModuleIdentity
            {
                Id = CollateralJson.String(CollateralJson.Required(identity, "id", itemPath), $"{itemPath}.id"),
                MrSigner = CollateralJson.Hex(CollateralJson.Required(identity, "mrsigner", itemPath), $"{itemPath}.mrsigner", 48),
                Attributes = CollateralJson.Hex(CollateralJson.Required(identity, "attributes", itemPath), $"{itemPath}.attributes", 8),
                AttributesMask = CollateralJson.Hex(CollateralJson.Required(identity, "attributesMask", itemPath), $"{itemPath}.attributesMask", 8),
                TcbLevels = EnclaveTcbLevels.Parse(CollateralJson.Required(identity, "tcbLevels", itemPath), $"{itemPath}.tcbLevels"),
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
