using System.Collections.Immutable;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>Reads the <c>tcbLevels</c> of QE Identity and TDX module identities, highest ISVSVN first.</summary>
internal static class EnclaveTcbLevels
{
    public static ImmutableArray<EnclaveTcbLevel> Parse(JsonElement element, string path)
    {
        CollateralJson.Array(element, path, 1024);
        var levels = new EnclaveTcbLevel[element.GetArrayLength()];
        if (levels.Length == 0)
        {
            throw CollateralJson.Invalid(path, "must not be empty");
        }

        var i = 0;
        foreach (var level in element.EnumerateArray())
        {
            var itemPath = $"{path}[{i}]";
            CollateralJson.Object(level, itemPath);
            var tcb = CollateralJson.Object(CollateralJson.Required(level, "tcb", itemPath), $"{itemPath}.tcb");
            levels[i++] = new EnclaveTcbLevel
            {
                IsvSvn = (ushort)CollateralJson.Int(CollateralJson.Required(tcb, "isvsvn", $"{itemPath}.tcb"), $"{itemPath}.tcb.isvsvn", 0, ushort.MaxValue),
                TcbDate = CollateralJson.Date(CollateralJson.Required(level, "tcbDate", itemPath), $"{itemPath}.tcbDate"),
                TcbStatus = CollateralJson.Status(CollateralJson.Required(level, "tcbStatus", itemPath), $"{itemPath}.tcbStatus"),
                AdvisoryIds = CollateralJson.Optional(level, "advisoryIDs", out var advisories)
                    ? CollateralJson.StringArray(advisories, $"{itemPath}.advisoryIDs")
                    : [],
            };
        }

        // Stable: levels with equal ISVSVN keep the document's order.
        return [.. levels.OrderByDescending(l => l.IsvSvn)];
    }
}
