namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>The manifest template uses something <see cref="JinjaSubsetRenderer"/> (and so the packaging contract) does not allow.</summary>
internal sealed class TemplateException(string message) : Exception(message);
