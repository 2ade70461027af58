// BlindAI-compatible confidential inference server: see SampleHostApplication.cs for the composition of BlindAI.Server.
return await BlindAI.SampleHost.SampleHostApplication.RunAsync(args).ConfigureAwait(false);
