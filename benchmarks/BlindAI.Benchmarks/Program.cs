using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using BlindAI.Benchmarks.Client;
using BlindAI.Benchmarks.Inference;

// `paired <minilm|resnet18|silero> [pairs]`: the engine's overhead measured in alternating pairs (see PairedOverhead).
if (args is ["paired", string model, ..])
{
    return PairedOverhead.Run(model, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
}

// `paired-client <resnet18|silero> [pairs] [--stages]`: the client–server overhead per call, in alternating pairs;
// --stages also prints the median of each stage's duration histogram.
if (args is ["paired-client", string clientModel, ..])
{
    int clientPairs = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out int n) ? n : 200;
    return PairedClientOverhead.Run(clientModel, clientPairs, args.Contains("--stages"));
}

// `floor <request bytes> <reply bytes> [calls]`: a bare HTTPS round trip (Kestrel + HttpClient, nothing of ours).
if (args is ["floor", string up, string down, ..])
{
    return TransportFloor.RunAsync(
        int.Parse(up, CultureInfo.InvariantCulture),
        int.Parse(down, CultureInfo.InvariantCulture),
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5000).GetAwaiter().GetResult();
}

// Not typeof(Program): the referenced sample host has a top-level Program of its own. The generated project builds the
// sample host too, which takes longer than BenchmarkDotNet's default two minutes on a busy machine.
BenchmarkSwitcher.FromAssembly(typeof(TransportFloor).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
return 0;
