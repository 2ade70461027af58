using System.Collections.Immutable;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>Reads the <c>tcbLevels</c> of QE Identity and TDX module identities, highest ISVSVN first.</summary>
internal static class EnclaveTcbLevels
{
    public static ImmutableArray<EnclaveTcbLevel> Parse(JsonElement owner, string ownerPath)
    {
        var element = CollateralJson.RequiredArray(owner, "tcbLevels", ownerPath, 1024);
        var levels = new EnclaveTcbLevel[element.GetArrayLength()];
        if (levels.Length == 0)
        {
            throw CollateralJson.Invalid($"{ownerPath}.tcbLevels", "must not be empty");
        }

        var i = 0;
        foreach (var level in element.EnumerateArray())
        {
            var itemPath = $"{ownerPath}.tcbLevels[{i}]";
            CollateralJson.Object(level, itemPath);
            var tcb = CollateralJson.RequiredObject(level, "tcb", itemPath);
            levels[i++] = new EnclaveTcbLevel
            {
                IsvSvn = (ushort)CollateralJson.RequiredInt(tcb, "isvsvn", itemPath + ".tcb", 0, ushort.MaxValue),
                TcbDate = CollateralJson.RequiredDate(level, "tcbDate", itemPath),
                TcbStatus = CollateralJson.RequiredStatus(level, "tcbStatus", itemPath),
                AdvisoryIds = CollateralJson.OptionalStringArray(level, "advisoryIDs", itemPath),
            };
        }

        // Stable: levels with equal ISVSVN keep the document's order.
        return [.. levels.OrderByDescending(l => l.IsvSvn)];
    }

    /// <summary>The first (highest) level whose ISVSVN the enclave reaches, or <see langword="null"/>.</summary>
    public static EnclaveTcbLevel? Find(ImmutableArray<EnclaveTcbLevel> levels, ushort isvSvn)
    {
        foreach (var level in levels)
        {
            if (isvSvn >= level.IsvSvn)
            {
                return level;
            }
        }

        return null;
    }
}
