using BlindAI.Enclave.Quoting;
using BlindAI.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost;

/// <summary>
/// The sample's composition of <c>BlindAI.Server</c>: configuration (appsettings, <c>BlindAI__*</c> environment
/// variables, the switches of <see cref="CommandLineSwitches"/>), the server, its three Kestrel listeners and routes.
/// </summary>
public static class SampleHostApplication
{
    /// <summary>Builds the application without starting it.</summary>
    /// <param name="args">Command-line arguments (see <see cref="CommandLineSwitches"/>).</param>
    /// <param name="configure">Last changes to the builder (tests use it for logging and extra settings).</param>
    /// <returns>The application.</returns>
    /// <exception cref="OptionsValidationException">
    /// An argument is not a known switch, a key under <c>BlindAI</c> would not be applied, or the settings are unusable or unsafe.
    /// </exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        Dictionary<string, string?> commandLine = CommandLineSwitches.Parse(args, out IReadOnlyList<string> argumentFailures);
        if (argumentFailures.Count > 0)
        {
            throw new OptionsValidationException(nameof(BlindAIServerOptions), typeof(BlindAIServerOptions), argumentFailures);
        }

        // The arguments are not handed to the builder: its own command-line reader would accept any switch and ignore
        // what it does not know. Only what CommandLineSwitches accepted becomes configuration, over appsettings and
        // the environment.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(commandLine);
        configure?.Invoke(builder);
        builder.Services.AddBlindAIServer(builder.Configuration.GetSection(BlindAIServerOptions.SectionName));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
        WebApplication app = builder.Build();
        app.MapBlindAI();
        return app;
    }

    /// <summary>Starts the application: the attested identity and the model store first, then the three ports.</summary>
    /// <param name="app">An application from <see cref="Build"/>.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The bound listeners.</returns>
    /// <exception cref="EvidenceException">No TEE is available and simulation was not asked for, or no quote could be made.</exception>
    public static async Task<ListenerEndpoints> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app.Services.GetRequiredService<ListenerEndpoints>();
    }

    /// <summary>Runs the server until SIGTERM or Ctrl+C, then drains in-flight requests.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>0 after a clean stop, 1 when no TEE is available, 2 for invalid settings or arguments.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (OptionsValidationException exception)
        {
            return await InvalidSettingsAsync(exception).ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await StartAsync(app, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EvidenceException)
            {
                // Already logged as critical with the reason.
                return 1;
            }
            catch (OptionsValidationException exception)
            {
                return await InvalidSettingsAsync(exception).ConfigureAwait(false);
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static async Task<int> InvalidSettingsAsync(OptionsValidationException exception)
    {
        await Console.Error.WriteLineAsync("Invalid settings:\n  " + string.Join("\n  ", exception.Failures)).ConfigureAwait(false);
        return 2;
    }
}
