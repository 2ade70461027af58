using System.Collections.Concurrent;

namespace BlindAI.Testing;

/// <summary>Every request a host received (method, path, local port), recorded before routing.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Method, string Path, int Port, long BodyLength)> _requests = new();

    public void Add(string method, string path, int port, long bodyLength) => _requests.Enqueue((method, path, port, bodyLength));

    public IReadOnlyList<(string Method, string Path, int Port, long BodyLength)> All => [.. _requests];

    /// <summary>Requests that carry a model or data (upload, run, delete), whatever the port.</summary>
    public int ModelOrDataRequests => _requests.Count(r => r.Path is "/upload" or "/run" or "/delete");

    /// <summary>Requests that reached the attested or management listener at all (only possible after a TLS handshake).</summary>
    public int RequestsOnPorts(params int[] ports) => _requests.Count(r => ports.Contains(r.Port));

    public void Clear() => _requests.Clear();
}
