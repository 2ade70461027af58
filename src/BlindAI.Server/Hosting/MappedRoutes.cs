namespace BlindAI.Server.Hosting;

/// <summary>Which route groups the application mapped: start-up opens the model store only for a server that serves models.</summary>
internal sealed class MappedRoutes
{
    public bool ServesModels { get; set; }
}
