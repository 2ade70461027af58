namespace BlindAI.SampleHost.Tests.Support;

/// <summary>A simulation host with small body limits, so oversized requests are cheap to make.</summary>
public sealed class LimitedHostFixture : IAsyncLifetime
{
    public const int MaxRunBodyBytes = 4096;
    public const int MaxUploadBodyBytes = 64 * 1024;

    internal RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(new Dictionary<string, string?>
    {
        ["BlindAI:Limits:MaxRunBodyBytes"] = MaxRunBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BlindAI:Limits:MaxUploadBodyBytes"] = MaxUploadBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
