using BlindAI.Inference.Tests.Support;
using BlindAI.Inference.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Inference.Tests.Engine;

public sealed class RegistrationTests
{
    [Fact]
    public void AddBlindAIInference_registers_one_engine_with_the_configured_options_and_an_in_memory_repository()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddBlindAIInference(o => o.MaxQueuedRuns = 3)
            .BuildServiceProvider();

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Same(services.GetRequiredService<OnnxInferenceEngine>(), services.GetRequiredService<IInferenceEngine>());
        Assert.IsType<InMemoryModelRepository>(services.GetRequiredService<IModelRepository>());
        Assert.Equal(3, services.GetRequiredService<IOptions<InferenceEngineOptions>>().Value.MaxQueuedRuns);
    }

    [Fact]
    public void A_repository_registered_first_is_kept()
    {
        string directory = Directory.CreateTempSubdirectory("blindai-repo-").FullName;
        try
        {
            using ServiceProvider services = new ServiceCollection()
                .AddLogging()
                .AddSingleton<IModelRepository>(IModelRepository.CreateDirectory(directory, PlaintextBlobProtector.Instance))
                .AddBlindAIInference()
                .BuildServiceProvider();

            Assert.IsType<DirectoryModelRepository>(services.GetRequiredService<IModelRepository>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Invalid_options_fail_at_start_up_with_every_problem_listed()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddBlindAIInference(o =>
            {
                o.MaxModelBytes = 0;
                o.MaxConcurrentRuns = 2;
                o.MaxConcurrentRunsPerModel = 3;
                o.IntraOpThreads = -1;
                o.BusyRetryAfter = TimeSpan.Zero;
            })
            .BuildServiceProvider();

        OptionsValidationException e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(4, e.Failures.Count());
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IInferenceEngine>());
    }
}
