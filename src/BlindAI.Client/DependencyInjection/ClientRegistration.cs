namespace BlindAI.Client.DependencyInjection;

/// <summary>A name registered with <c>AddBlindAIClient</c>, so that the factory refuses an unknown name instead of connecting with default options.</summary>
internal sealed record ClientRegistration(string Name);
