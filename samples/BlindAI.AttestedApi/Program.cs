// An ordinary minimal-API service, attestable: see AttestedApiApplication.cs.
WebApplication app = BlindAI.AttestedApi.AttestedApiApplication.Build(args);
await app.RunAsync().ConfigureAwait(false);
