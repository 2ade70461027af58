namespace BlindAI.Cli;

/// <summary>Input the command cannot use (a bad option value, an unreadable file): exit code 2 with a one-line message.</summary>
internal sealed class CliInputException(string message, Exception? innerException = null) : Exception(message, innerException);
