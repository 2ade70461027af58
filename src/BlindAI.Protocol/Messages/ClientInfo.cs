namespace BlindAI.Protocol.Messages;

/// <summary>
/// The telemetry block the original protocol requires in <see cref="UploadModel"/> and <see cref="RunModel"/>
/// (<c>client_info</c>, every field required). The original server used it only for telemetry; ours ignores it.
/// </summary>
/// <param name="Uid">The Python client sends the hex SHA-256 of <c>hostname-username</c>.</param>
/// <param name="PlatformName">Operating system name, for example <c>Linux</c>.</param>
/// <param name="PlatformArch">Machine architecture, for example <c>x86_64</c>.</param>
/// <param name="PlatformVersion">Operating system version string.</param>
/// <param name="PlatformRelease">Operating system release string.</param>
/// <param name="UserAgent">Client name, <c>blindai_python</c> for the original client.</param>
/// <param name="UserAgentVersion">Client version, <c>0.6.3</c> for the original client.</param>
/// <param name="IsColab">Whether the client runs in Google Colab.</param>
internal sealed record ClientInfo(
    string Uid,
    string PlatformName,
    string PlatformArch,
    string PlatformVersion,
    string PlatformRelease,
    string UserAgent,
    string UserAgentVersion,
    bool IsColab)
{
    /// <summary>The user agent the .NET client sends.</summary>
    public const string DotNetUserAgent = "blindai_dotnet";

    /// <summary>
    /// What the .NET client sends: the required fields with no identifying content (empty uid and platform fields),
    /// because a confidential-computing client has no business reporting who or where its user is.
    /// </summary>
    public static ClientInfo Anonymous { get; } = new(
        string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
        DotNetUserAgent, typeof(ClientInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", false);
}
