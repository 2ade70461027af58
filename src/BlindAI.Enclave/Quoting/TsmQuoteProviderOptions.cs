namespace BlindAI.Enclave.Quoting;

/// <summary>Where the Linux configfs-tsm report interface lives.</summary>
internal sealed record TsmQuoteProviderOptions
{
    /// <summary>The default root, <c>/sys/kernel/config/tsm/report</c>.</summary>
    public const string DefaultReportRoot = "/sys/kernel/config/tsm/report";

    /// <summary>The configfs folder in which report entries are created. Tests point it at a temporary folder.</summary>
    public string ReportRoot { get; init; } = DefaultReportRoot;
}
