using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using BlindAI.SampleHost.Attestation;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using BlindAI.SampleHost.Endpoints;
using BlindAI.SampleHost.Models;
using BlindAI.SampleHost.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Hosting;

/// <summary>
/// Composes the server: configuration (appsettings, <c>BlindAI__*</c> environment variables, command-line switches),
/// the TEE platform, the RA-TLS identity, the inference engine and its store, the three Kestrel listeners and their
/// endpoints. <see cref="StartAsync"/> makes the identity before any port opens.
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
            throw new OptionsValidationException(nameof(SampleHostOptions), typeof(SampleHostOptions), argumentFailures);
        }

        // The arguments are not handed to the builder: its own command-line reader would accept any switch and ignore
        // what it does not know. Only what CommandLineSwitches accepted becomes configuration, over appsettings and
        // the environment.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(commandLine);
        configure?.Invoke(builder);

        IConfigurationSection section = builder.Configuration.GetSection(SampleHostOptions.SectionName);
        SampleHostOptions options;
        try
        {
            options = section.Get<SampleHostOptions>() ?? new SampleHostOptions();
        }
        catch (InvalidOperationException exception)
        {
            // A value the binder cannot convert (a port that is not a number, an unknown enum name); its message names the key.
            throw new OptionsValidationException(nameof(SampleHostOptions), typeof(SampleHostOptions), [exception.Message]);
        }

        var validator = new SampleHostOptionsValidator();
        List<string> failures = [.. ConfigurationKeyValidator.Validate(section, options), .. validator.Validate(null, options).Failures ?? []];
        PccsCollateralConnection? pccs = failures.Count == 0 && options.CollateralSource == CollateralSourceKind.Pccs
            ? PccsCollateralConnection.Load(options, section.GetSection(ConfigurationKeyValidator.CollateralSection).GetSection(ConfigurationKeyValidator.PccsSection), failures)
            : null;
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(SampleHostOptions), typeof(SampleHostOptions), failures);
        }

        IServiceCollection services = builder.Services;
        services.AddOptions<SampleHostOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SampleHostOptions>>(validator);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        AddEnclave(services, builder.Configuration, options, pccs);
        AddInference(services, builder.Configuration);
        services.AddSingleton<HostMetrics>();
        services.AddSingleton<ListenerEndpoints>();
        services.AddSingleton<ShutdownState>();
        services.AddRequestLimits(options.Limits);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureListeners(kestrel, options));

        WebApplication app = builder.Build();
        app.UseRouting();
        app.UseMiddleware<ListenerRoutingMiddleware>();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<ConcurrencyLimitMiddleware>();
        app.UseRequestTimeouts();
        UntrustedEndpoints.Map(app);
        AttestedEndpoints.Map(app);
        ManagementEndpoints.Map(app);
        return app;
    }

    /// <summary>Makes the attested identity, opens the model store, then opens the three ports.</summary>
    /// <param name="app">An application from <see cref="Build"/>.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The bound listeners.</returns>
    /// <exception cref="EvidenceException">No TEE is available and simulation was not asked for, or no quote could be made.</exception>
    public static async Task<ListenerEndpoints> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        long started = Stopwatch.GetTimestamp();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SampleHostApplication).FullName!);
        await app.Services.GetRequiredService<ServerIdentity>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        await app.Services.GetRequiredService<ModelStore>().OpenAsync(cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        ListenerEndpoints listeners = app.Services.GetRequiredService<ListenerEndpoints>();
        HostLog.Listening(
            logger,
            listeners.GetEndPoint(ListenerRole.Untrusted).ToString(),
            listeners.GetEndPoint(ListenerRole.Attested).ToString(),
            listeners.GetEndPoint(ListenerRole.Management).ToString());
        SampleHostOptions options = app.Services.GetRequiredService<IOptions<SampleHostOptions>>().Value;
        if (options.ManagementTokenSha256 is null && !options.Simulation)
        {
            HostLog.ManagementWithoutToken(logger, listeners.GetEndPoint(ListenerRole.Management).ToString());
        }

        using var process = Process.GetCurrentProcess();
        HostLog.Started(logger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, (long)(DateTime.Now - process.StartTime).TotalMilliseconds);
        return listeners;
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
            await Console.Error.WriteLineAsync("Invalid settings:\n  " + string.Join("\n  ", exception.Failures)).ConfigureAwait(false);
            return 2;
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
                await Console.Error.WriteLineAsync("Invalid settings:\n  " + string.Join("\n  ", exception.Failures)).ConfigureAwait(false);
                return 2;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static void AddEnclave(IServiceCollection services, IConfiguration configuration, SampleHostOptions options, PccsCollateralConnection? pccsConnection)
    {
        string dataDirectory = Path.GetFullPath(options.DataDirectory);
        IConfigurationSection collateral = configuration.GetSection(SampleHostOptions.SectionName).GetSection(ConfigurationKeyValidator.CollateralSection);
        switch (options.CollateralSource)
        {
            case CollateralSourceKind.IntelPcs:
                services.AddIntelPcsCollateralProvider(pcs => collateral.GetSection(ConfigurationKeyValidator.IntelPcsSection).Bind(pcs));
                break;
            case CollateralSourceKind.Pccs:
                IHttpClientBuilder pccsClient = services.AddPccsCollateralProvider(pccs =>
                {
                    collateral.GetSection(ConfigurationKeyValidator.PccsSection).Bind(pccs);
                    pccsConnection?.Configure(pccs);
                });
                if (pccsConnection is { PinsCertificate: true })
                {
                    // Replaces the registration's handler: the last primary handler configured is the one used.
                    pccsClient.ConfigurePrimaryHttpMessageHandler(pccsConnection.CreateHandler);
                }

                break;
        }

        services.AddSingleton(sp => EvidencePlatformFactory.Create(
            options,
            sp.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value,
            sp.GetService<ICollateralProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));

        // Registered before AddBlindAIEnclave, whose own selection (TryAdd) then stands aside.
        services.AddSingleton<IQuoteProvider>(sp => sp.GetRequiredService<EvidencePlatform>().QuoteProvider);
        services.AddBlindAIEnclave(enclave =>
        {
            configuration.GetSection(SampleHostOptions.SectionName).GetSection(ConfigurationKeyValidator.EnclaveSection).Bind(enclave);
            if (options.Simulation)
            {
                enclave.QuoteProvider = QuoteProviderKind.Simulation;
                enclave.SimulationDirectory = Path.Combine(dataDirectory, SimulationPlatform.DirectoryName);
                enclave.SealingKey = SealingKeyKind.SimulationFile;
                enclave.SealingKeyFile = Path.Combine(dataDirectory, SimulationPlatform.DirectoryName, "sealing.key");
            }
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value.Certificate);
        services.AddSingleton(sp => new ServerIdentity(
            sp.GetRequiredService<RaTlsCertificateBuilder>(),
            sp.GetRequiredService<IQuoteProvider>(),
            sp.GetRequiredService<RaTlsCertificateOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ServerIdentity>>()));
        services.AddHostedService(sp => new CertificateRenewalService(
            sp.GetRequiredService<ServerIdentity>(), options.CertificateRenewalFraction, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CertificateRenewalService>>()));
    }

    private static void AddInference(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SelectedModelRepository>();
        services.AddSingleton<IModelRepository>(sp => sp.GetRequiredService<SelectedModelRepository>());
        services.AddBlindAIInference(engine => configuration.GetSection(SampleHostOptions.SectionName).GetSection(ConfigurationKeyValidator.InferenceSection).Bind(engine));
        services.AddSingleton<ModelStore>();
    }

    private static void ConfigureListeners(KestrelServerOptions kestrel, SampleHostOptions options)
    {
        IServiceProvider services = kestrel.ApplicationServices;
        ListenerEndpoints listeners = services.GetRequiredService<ListenerEndpoints>();
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = Math.Max(options.Limits.MaxUploadBodyBytes, options.Limits.MaxRunBodyBytes);

        // Slow clients (slowloris) lose their connection instead of holding it, and a concurrency slot, indefinitely.
        kestrel.Limits.RequestHeadersTimeout = options.Limits.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = options.Limits.KeepAliveTimeout;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(options.Limits.MinRequestBodyDataRate, options.Limits.MinRequestBodyDataRateGracePeriod);
        var tls = new HttpsConnectionAdapterOptions
        {
            // Resolved on every handshake: the platform is chosen and the certificate made in StartAsync, before any
            // port opens (so a missing TEE is reported there, not while Kestrel is being configured), and renewals
            // swap it. An expired certificate throws here, so the handshake fails instead of serving it.
            ServerCertificateSelector = (_, _) => services.GetRequiredService<ServerIdentity>().Current.Certificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
        };

        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.UntrustedPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listeners.Register(ListenerRole.Untrusted, listen);
        });
        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.AttestedPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(tls);
            listeners.Register(ListenerRole.Attested, listen);
        });
        kestrel.Listen(IPAddress.Parse(options.ManagementListenAddress), options.ManagementPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(tls);
            listeners.Register(ListenerRole.Management, listen);
        });
    }
}
