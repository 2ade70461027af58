namespace BlindAI.Server;

/// <summary>
/// The names under which the server reports: an <see cref="System.Diagnostics.ActivitySource"/> with one span per
/// attestation request (<c>blindai.server.attest</c>), inference (<c>blindai.server.run</c>), upload
/// (<c>blindai.server.upload</c>) and deletion (<c>blindai.server.delete</c>), and a meter with request counts by route
/// and outcome, inference duration, attestation requests and loaded models. Tags carry identifiers, sizes and
/// outcomes only: never tensors, model bytes, nonces, quotes or tokens. The client reports as <c>BlindAI.Client</c>.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(tracing => tracing.AddSource(BlindAIServerTelemetry.ActivitySourceName))
///     .WithMetrics(metrics => metrics.AddMeter(BlindAIServerTelemetry.MeterName));
/// </code>
/// </example>
public static class BlindAIServerTelemetry
{
    /// <summary>The name of the server's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "BlindAI.Server";

    /// <summary>The name of the server's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "BlindAI.Server";
}
