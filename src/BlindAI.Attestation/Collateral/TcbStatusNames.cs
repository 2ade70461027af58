namespace BlindAI.Attestation.Collateral;

/// <summary>Converts <see cref="TcbStatus"/> from and to the strings Intel uses in TCB Info and QE Identity JSON.</summary>
public static class TcbStatusNames
{
    /// <summary>Parses an Intel TCB status string (case-sensitive, as Intel spells it).</summary>
    /// <param name="value">The JSON string value, for example <c>ConfigurationAndSWHardeningNeeded</c>.</param>
    /// <returns>The status.</returns>
    /// <exception cref="AttestationFormatException">The string is not a status Intel defines (<see cref="AttestationFormatErrorReason.InvalidField"/>).</exception>
    public static TcbStatus Parse(ReadOnlySpan<char> value) =>
        TryParse(value, out var status)
            ? status
            : throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"'{Truncate(value)}' is not a TCB status Intel defines.");

    /// <summary>Parses an Intel TCB status string, without throwing.</summary>
    /// <param name="value">The JSON string value.</param>
    /// <param name="status">The status, when the string is known.</param>
    /// <returns><see langword="true"/> when the string is one of Intel's statuses.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out TcbStatus status)
    {
        switch (value)
        {
            case "UpToDate": status = TcbStatus.UpToDate; return true;
            case "SWHardeningNeeded": status = TcbStatus.SWHardeningNeeded; return true;
            case "ConfigurationNeeded": status = TcbStatus.ConfigurationNeeded; return true;
            case "ConfigurationAndSWHardeningNeeded": status = TcbStatus.ConfigurationAndSWHardeningNeeded; return true;
            case "OutOfDate": status = TcbStatus.OutOfDate; return true;
            case "OutOfDateConfigurationNeeded": status = TcbStatus.OutOfDateConfigurationNeeded; return true;
            case "Revoked": status = TcbStatus.Revoked; return true;
            default: status = default; return false;
        }
    }

    /// <summary>The string Intel uses for a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Intel's spelling, for example <c>UpToDate</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a declared member.</exception>
    public static string ToIntelName(this TcbStatus status) => status switch
    {
        TcbStatus.UpToDate => "UpToDate",
        TcbStatus.SWHardeningNeeded => "SWHardeningNeeded",
        TcbStatus.ConfigurationNeeded => "ConfigurationNeeded",
        TcbStatus.ConfigurationAndSWHardeningNeeded => "ConfigurationAndSWHardeningNeeded",
        TcbStatus.OutOfDate => "OutOfDate",
        TcbStatus.OutOfDateConfigurationNeeded => "OutOfDateConfigurationNeeded",
        TcbStatus.Revoked => "Revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a TCB status."),
    };

    private static string Truncate(ReadOnlySpan<char> value) => value.Length <= 64 ? value.ToString() : string.Concat(value[..64], "…");
}
