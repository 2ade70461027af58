// BlindAI-compatible confidential inference server: see Hosting/SampleHostApplication.cs for the composition.
return await BlindAI.SampleHost.Hosting.SampleHostApplication.RunAsync(args).ConfigureAwait(false);
