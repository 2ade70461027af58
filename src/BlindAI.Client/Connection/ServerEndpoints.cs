namespace BlindAI.Client.Connection;

/// <summary>The three base addresses of a BlindAI server.</summary>
internal sealed record ServerEndpoints(Uri Untrusted, Uri Attested, Uri Management)
{
    public static ServerEndpoints For(string host, BlindAIClientOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        string authority = Uri.CheckHostName(host) == UriHostNameType.IPv6 && !host.StartsWith('[') ? $"[{host}]" : host;
        if (Uri.CheckHostName(authority.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{host}' is not a host name or IP address.", nameof(host));
        }

        return new ServerEndpoints(
            new Uri($"http://{authority}:{options.UntrustedPort}/"),
            new Uri($"https://{authority}:{options.AttestedPort}/"),
            new Uri($"https://{authority}:{options.ManagementPort}/"));
    }
}
