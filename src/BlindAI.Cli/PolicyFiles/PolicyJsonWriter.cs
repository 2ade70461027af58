using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;

namespace BlindAI.Cli.PolicyFiles;

/// <summary>
/// Writes an <see cref="AttestationPolicy"/> as the policy JSON that <see cref="AttestationPolicy.FromJson(string)"/> reads
/// (the schema documented there), and proves each file it writes by reading it back.
/// </summary>
/// <remarks>
/// The writer sees the policy's public state only. The attribute relaxations without a public getter
/// (<c>AllowSgxProvisionKey</c>, <c>AllowSgxEInitTokenKey</c>, <c>AllowSgx32BitEnclave</c>, <c>AllowTdxSeptVeEnabled</c>,
/// <c>AllowTdxAttributeBits</c>, <c>AllowTdxServiceTd</c>) cannot be written; <c>blindai policy</c> never sets them, so every
/// policy it builds is written in full and the strict attribute rules stay in force for whoever loads the file.
/// </remarks>
internal static class PolicyJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Only hex, Intel names and advisory ids are written; relaxed escaping keeps the file readable in review.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON text of <paramref name="policy"/>, ending with a new line; members at their default are left out.</summary>
    public static string Write(AttestationPolicy policy)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteIf(json, "allowDebug", policy.DebugAllowed);
            WriteIf(json, "allowUnpinnedIdentity", policy.UnpinnedIdentityAllowed);

            // UpToDate is always accepted (FromJson adds the others to it); Intel's order reads from best to worst.
            TcbStatus[] statuses = [.. policy.AcceptedTcbStatuses.Where(s => s != TcbStatus.UpToDate).Order()];
            WriteStrings(json, "acceptedTcbStatuses", statuses.Select(s => s.ToIntelName()));
            WriteStrings(json, "acceptedAdvisoryIds", policy.AcceptedAdvisoryIds.Order(StringComparer.OrdinalIgnoreCase));
            WriteStrings(json, "deniedAdvisoryIds", policy.DeniedAdvisoryIds.Order(StringComparer.OrdinalIgnoreCase));
            if (policy.MinimumTcbEvaluationDataNumber is { } evaluation)
            {
                json.WriteNumber("minimumTcbEvaluationDataNumber", evaluation);
            }

            if (policy.CollateralGracePeriod != TimeSpan.Zero)
            {
                // The schema counts whole seconds; a fraction would be lost on the way back, so it is refused.
                json.WriteNumber("collateralGracePeriodSeconds", policy.CollateralGracePeriod.Ticks % TimeSpan.TicksPerSecond == 0
                    ? (long)policy.CollateralGracePeriod.TotalSeconds
                    : throw new ArgumentException("The collateral grace period is not a whole number of seconds.", nameof(policy)));
            }

            WriteSgx(json, policy);
            WriteTdx(json, policy);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>
    /// Reads <paramref name="json"/> back with <see cref="AttestationPolicy.FromJson(string)"/> and checks that it writes
    /// the same text and still pins an identity: what a client will load is exactly what was reviewed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file would not load as written (a defect of this writer, never shipped).</exception>
    public static AttestationPolicy ReadBack(string json)
    {
        AttestationPolicy loaded = AttestationPolicy.FromJson(json);
        return Write(loaded) == json && loaded.PinsIdentity
            ? loaded
            : throw new InvalidOperationException("The policy JSON does not read back as written; nothing was written.");
    }

    private static void WriteSgx(Utf8JsonWriter json, AttestationPolicy policy)
    {
        if (policy.MrEnclaves.IsEmpty && policy.MrSigner is null && policy.IsvProdId is null && policy.MinimumIsvSvn is null
            && policy.SgxAttributeFlags is null && policy.SgxXfrm is null && policy.MiscSelect is null)
        {
            return;
        }

        json.WriteStartObject("sgx");
        if (!policy.MrEnclaves.IsEmpty)
        {
            WriteStrings(json, "mrEnclave", policy.MrEnclaves.Select(m => m.ToString()));
        }

        WriteIf(json, "mrSigner", policy.MrSigner);
        if (policy.IsvProdId is { } product)
        {
            json.WriteNumber("isvProdId", product);
        }

        if (policy.MinimumIsvSvn is { } svn)
        {
            json.WriteNumber("minimumIsvSvn", svn);
        }

        WriteIf(json, "attributeFlags", policy.SgxAttributeFlags);
        WriteIf(json, "xfrm", policy.SgxXfrm);
        WriteIf(json, "miscSelect", policy.MiscSelect);
        json.WriteEndObject();
    }

    private static void WriteTdx(Utf8JsonWriter json, AttestationPolicy policy)
    {
        if (policy.MrTd is null && policy.Rtmrs.All(r => r is null) && policy.MrConfigId is null && policy.MrOwner is null
            && policy.MrOwnerConfig is null && policy.TdAttributes is null && policy.Xfam is null)
        {
            return;
        }

        json.WriteStartObject("tdx");
        WriteIf(json, "mrTd", policy.MrTd);
        for (int i = 0; i < policy.Rtmrs.Length; i++)
        {
            WriteIf(json, string.Create(CultureInfo.InvariantCulture, $"rtmr{i}"), policy.Rtmrs[i]);
        }

        WriteIf(json, "mrConfigId", policy.MrConfigId);
        WriteIf(json, "mrOwner", policy.MrOwner);
        WriteIf(json, "mrOwnerConfig", policy.MrOwnerConfig);
        WriteIf(json, "tdAttributes", policy.TdAttributes);
        WriteIf(json, "xfam", policy.Xfam);
        json.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter json, string name, bool value)
    {
        if (value)
        {
            json.WriteBoolean(name, true);
        }
    }

    private static void WriteIf(Utf8JsonWriter json, string name, Measurement? value)
    {
        if (value is { } measurement)
        {
            json.WriteString(name, measurement.ToString());
        }
    }

    private static void WriteIf(Utf8JsonWriter json, string name, MaskedValue? value)
    {
        if (value is { } masked)
        {
            json.WriteStartObject(name);
            json.WriteString("value", Hex(masked.Value));
            json.WriteString("mask", Hex(masked.Mask));
            json.WriteEndObject();
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        string[] items = [.. values];
        if (items.Length == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (string item in items)
        {
            json.WriteStringValue(item);
        }

        json.WriteEndArray();
    }

    internal static string Hex(ulong value) => string.Create(CultureInfo.InvariantCulture, $"0x{value:x}");
}
