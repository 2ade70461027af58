using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BlindAI.Inference.Tests.Support;

/// <summary>Keeps every log entry so tests can see what the engine reported (for example when a session is released).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId, logLevel, formatter(state, exception)));

    public int Count(int eventId) => Entries.Count(e => e.Id.Id == eventId);
}
