using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Not typeof(Program): the referenced sample host has a top-level Program of its own. The generated project builds the
// sample host too, which takes longer than BenchmarkDotNet's default two minutes on a busy machine.
BenchmarkSwitcher.FromAssembly(typeof(BlindAI.Benchmarks.BenchmarkData).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
