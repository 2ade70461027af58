namespace BlindAI.Client.Connection;

/// <summary>The three base addresses of a BlindAI server: its host with the untrusted, attested and management ports.</summary>
internal sealed record ServerEndpoints(Uri Untrusted, Uri Attested, Uri Management)
{
    /// <summary>The endpoints of validated options: <see cref="BlindAIClientOptions.Server"/>'s host and the untrusted port it names, if any.</summary>
    public static ServerEndpoints For(BlindAIClientOptions options)
    {
        Uri server = options.Server ?? throw new ArgumentException($"{nameof(BlindAIClientOptions.Server)} is required.", nameof(options));

        // An IPv6 address needs its brackets in an authority; IdnHost drops them.
        string host = server.HostNameType == UriHostNameType.IPv6 ? $"[{server.IdnHost}]" : server.IdnHost;
        return new ServerEndpoints(
            new Uri($"http://{host}:{options.EffectiveUntrustedPort}/"),
            new Uri($"https://{host}:{options.AttestedPort}/"),
            new Uri($"https://{host}:{options.ManagementPort}/"));
    }
}
