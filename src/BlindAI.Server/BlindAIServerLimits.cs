namespace BlindAI.Server;

/// <summary>Body sizes, timeouts and concurrency bounds of the host's routes.</summary>
public sealed class BlindAIServerLimits
{
    /// <summary>The largest <c>POST /run</c> body. Default 80 MiB (the engine's 64 MiB of tensors plus CBOR framing).</summary>
    public long MaxRunBodyBytes { get; set; } = 80L << 20;

    /// <summary>
    /// The largest <c>POST /upload</c> body. Default 512 MiB. The original client sends the model as an array of
    /// integers, about 1.9 bytes per model byte, so this admits models of roughly 270 MB from it.
    /// </summary>
    public long MaxUploadBodyBytes { get; set; } = 512L << 20;

    /// <summary>The largest body of the small routes (<c>/delete</c>, <c>/evidence</c>). Default 64 KiB.</summary>
    public long MaxSmallBodyBytes { get; set; } = 64L << 10;

    /// <summary>How long a <c>/run</c> may take before it is cancelled with <c>request-timeout</c>. Default 60 s.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an <c>/upload</c> may take. Default 10 minutes.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the other routes may take (evidence includes producing a quote). Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests on the attested port processed at once. Default 16.</summary>
    public int MaxConcurrentRuns { get; set; } = 16;

    /// <summary>Requests on the management port processed at once. Default 2 (uploads hold whole models in memory).</summary>
    public int MaxConcurrentManagement { get; set; } = 2;

    /// <summary>Requests on the untrusted port processed at once. Default 32.</summary>
    public int MaxConcurrentUntrusted { get; set; } = 32;

    /// <summary>Requests that may wait for a slot before further ones get 503. Default 32; 0 refuses at once.</summary>
    public int MaxQueuedRequests { get; set; } = 32;

    /// <summary>The <c>Retry-After</c> sent with 503 when the host is at its bound. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a client may take to send the request line and headers before the connection is closed (slowloris).
    /// Default 30 s (Kestrel's default, stated here so it can be tightened).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The slowest request body accepted, in bytes per second, after <see cref="MinRequestBodyDataRateGracePeriod"/>;
    /// slower bodies are refused with <c>request-timeout</c> and their connection closed. Default 240 (Kestrel's).
    /// </summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>How long a request body may start slower than <see cref="MinRequestBodyDataRate"/>. Default 5 s.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle keep-alive connection is kept open. Default 130 s (Kestrel's).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);
}
