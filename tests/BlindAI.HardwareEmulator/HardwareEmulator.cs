using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Enclave.Simulation;
using BlindAI.HardwareEmulator.Fuse;
using BlindAI.HardwareEmulator.Gramine;
using BlindAI.HardwareEmulator.Pcs;
using BlindAI.HardwareEmulator.Tsm;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.HardwareEmulator;

/// <summary>
/// Makes a folder behave like a TEE's hardware boundary for the production quote providers, unchanged: Gramine's
/// <c>/dev/attestation</c> (SGX, DCAP) or configfs-tsm (TDX), mounted with FUSE, answering with real ECDSA quotes
/// from the simulated Intel-shaped PKI; optionally an Intel PCS API v4 look-alike serving that PKI's collateral.
/// The folder also holds <c>simulation-root.pem</c> (the trust anchor a verifier must be given) and, with the
/// look-alike, <c>pcs-ca.pem</c> (its TLS certificate). Needs Linux, root and <c>/dev/fuse</c>.
/// </summary>
public sealed class HardwareEmulator : IAsyncDisposable
{
    /// <summary>The simulation root CA certificate (PEM) in the emulated folder.</summary>
    public const string SimulationRootFile = "simulation-root.pem";

    /// <summary>The PCS look-alike's TLS certificate (PEM) in the emulated folder.</summary>
    public const string PcsCaFile = "pcs-ca.pem";

    private readonly FuseSession _session;
    private readonly EmulatedPlatform _platform;
    private readonly PcsLookAlike? _pcs;
    private int _disposed;

    private HardwareEmulator(EmulatedTee tee, string directory, string stateDirectory, FuseSession session, EmulatedPlatform platform, PcsLookAlike? pcs, X509Certificate2? pcsCertificate)
    {
        Tee = tee;
        Directory = directory;
        StateDirectory = stateDirectory;
        _session = session;
        _platform = platform;
        _pcs = pcs;
        PcsCertificate = pcsCertificate;
    }

    /// <summary>What is emulated.</summary>
    public EmulatedTee Tee { get; }

    /// <summary>The mounted folder (full path).</summary>
    public string Directory { get; }

    /// <summary>The state folder (full path).</summary>
    public string StateDirectory { get; }

    /// <summary>
    /// The folder to give the production quote provider: <see cref="Directory"/> for Gramine (its
    /// <c>/dev/attestation</c>), <c>Directory/report</c> for TDX (its <c>/sys/kernel/config/tsm/report</c>).
    /// </summary>
    public string ProviderRoot => Tee == EmulatedTee.GramineSgx ? Directory : Path.Combine(Directory, TsmReportTree.ReportDirectory);

    /// <summary>The path of <see cref="SimulationRootFile"/>.</summary>
    public string SimulationRootPath => Path.Combine(Directory, SimulationRootFile);

    /// <summary>The simulation root CA: quotes verify only when a verifier names it as trust anchor.</summary>
    public X509Certificate2 SimulationRoot => _platform.RootCertificate;

    /// <summary>The path of <see cref="PcsCaFile"/>, or <see langword="null"/> without the PCS look-alike.</summary>
    public string? PcsCaPath => _pcs is null ? null : Path.Combine(Directory, PcsCaFile);

    /// <summary>The PCS look-alike's self-signed TLS certificate, or <see langword="null"/> without it.</summary>
    public X509Certificate2? PcsCertificate { get; }

    /// <summary>The PCS look-alike's base address (<c>https://127.0.0.1:PORT/</c>), or <see langword="null"/> without it.</summary>
    public Uri? PcsBaseAddress => _pcs?.BaseAddress;

    /// <summary>The platform's FMSPC (6 bytes): the TCB Info the PCS look-alike has.</summary>
    public ReadOnlyMemory<byte> Fmspc => _platform.Tcb.Fmspc;

    /// <summary>The MRENCLAVE every SGX quote carries.</summary>
    public ReadOnlyMemory<byte> MrEnclave => _platform.Enclave.MrEnclave;

    /// <summary>The MRSIGNER every SGX quote carries.</summary>
    public ReadOnlyMemory<byte> MrSigner => _platform.Enclave.MrSigner;

    /// <summary>The MRTD every TDX quote carries.</summary>
    public ReadOnlyMemory<byte> MrTd => _platform.TrustDomain.MrTd;

    /// <summary>Emulates Gramine-SGX's <c>/dev/attestation</c> on <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder to mount on.</param>
    /// <param name="pcsPort">The PCS look-alike's port (0: any free port), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to unmount.</returns>
    public static Task<HardwareEmulator> StartGramineAsync(string directory, int? pcsPort = null, CancellationToken cancellationToken = default) =>
        StartAsync(EmulatedTee.GramineSgx, new HardwareEmulatorOptions { Directory = directory, PcsPort = pcsPort }, cancellationToken);

    /// <summary>Emulates a TDX guest's configfs-tsm on <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder to mount on; report entries go in its <c>report</c> folder.</param>
    /// <param name="pcsPort">The PCS look-alike's port (0: any free port), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to unmount.</returns>
    public static Task<HardwareEmulator> StartTdxAsync(string directory, int? pcsPort = null, CancellationToken cancellationToken = default) =>
        StartAsync(EmulatedTee.TdxConfigFsTsm, new HardwareEmulatorOptions { Directory = directory, PcsPort = pcsPort }, cancellationToken);

    /// <summary>Starts the emulator: removes a stale mount a crashed run left, loads or creates the state, serves the PCS look-alike, mounts.</summary>
    /// <param name="tee">What to emulate.</param>
    /// <param name="options">Where and how.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator, ready: the kernel's FUSE INIT is answered and the look-alike listens.</returns>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="ArgumentException">A measurement has the wrong length, or the folders overlap.</exception>
    /// <exception cref="IOException">The folder is not empty, another file system is mounted there, or mounting failed (root and /dev/fuse are needed).</exception>
    public static async Task<HardwareEmulator> StartAsync(EmulatedTee tee, HardwareEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The hardware emulator mounts with FUSE: Linux only.");
        }

        string directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Directory));
        string stateDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.StateDirectory ?? directory + ".state"));
        if (directory == Path.GetPathRoot(directory) || IsSameOrInside(stateDirectory, directory) || IsSameOrInside(directory, stateDirectory))
        {
            throw new ArgumentException($"The mount folder {directory} and the state folder {stateDirectory} must be two separate folders, neither the file-system root.", nameof(options));
        }

        ILogger logger = options.LoggerFactory?.CreateLogger("BlindAI.HardwareEmulator") ?? NullLogger.Instance;
        TimeProvider time = options.TimeProvider ?? TimeProvider.System;

        FuseSession.RemoveStaleMounts(directory, logger);
        System.IO.Directory.CreateDirectory(directory);
        if (System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"{directory} is not empty: the emulator mounts over it and would hide its files.");
        }

        System.IO.Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var disposables = new Stack<IAsyncDisposable>();
        try
        {
            SimulatedTeePlatform simulated = EmulatorState.LoadOrCreatePlatform(stateDirectory, time);
            var platform = new EmulatedPlatform(simulated, Enclave(simulated, options), TrustDomain(simulated, options), time);
            disposables.Push(new AsyncDisposer(platform.Dispose));

            PcsLookAlike? pcs = null;
            X509Certificate2? pcsCertificate = null;
            var files = new List<VirtualFile> { VirtualFile.Static(SimulationRootFile, Pem(platform.RootCertificate)) };
            if (options.PcsPort is int port)
            {
                pcsCertificate = EmulatorState.LoadOrCreatePcsCertificate(stateDirectory, time);
                disposables.Push(new AsyncDisposer(pcsCertificate.Dispose));
                pcs = await PcsLookAlike.StartAsync(platform, pcsCertificate, port, logger, cancellationToken).ConfigureAwait(false);
                disposables.Push(pcs);
                files.Add(VirtualFile.Static(PcsCaFile, Pem(pcsCertificate)));
            }

            VirtualDirectory root = tee == EmulatedTee.GramineSgx
                ? GramineTree(platform, simulated, stateDirectory, files, logger)
                : new TsmReportTree(platform, files, logger).Root;

            FuseSession session = FuseSession.Mount(directory, root, logger, time);
            disposables.Push(new AsyncDisposer(session.Dispose));
            await session.Initialized.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            disposables.Clear();
            return new HardwareEmulator(tee, directory, stateDirectory, session, platform, pcs, pcsCertificate);
        }
        finally
        {
            while (disposables.TryPop(out IAsyncDisposable? disposable))
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Unmounts (the folder is an empty plain folder again), stops the PCS look-alike and forgets the keys.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        if (_pcs is not null)
        {
            await _pcs.DisposeAsync().ConfigureAwait(false);
        }

        PcsCertificate?.Dispose();
        _platform.Dispose();
    }

    private static VirtualDirectory GramineTree(EmulatedPlatform platform, SimulatedTeePlatform simulated, string stateDirectory, List<VirtualFile> files, ILogger logger)
    {
        byte[] secret = EmulatorState.LoadOrCreateSealingSecret(stateDirectory);
        ReadOnlySpan<byte> cpuSvn = simulated.Options.Platform.CpuSvn.Span;
        return new GramineAttestationTree(
            platform,
            EmulatedSealingKeys.MrEnclaveKey(secret, platform.Enclave, cpuSvn),
            EmulatedSealingKeys.MrSignerKey(secret, platform.Enclave, cpuSvn),
            files,
            logger).Root;
    }

    private static SimulatedSgxEnclave Enclave(SimulatedTeePlatform platform, HardwareEmulatorOptions options)
    {
        SimulatedSgxEnclave enclave = platform.Options.Enclave;
        if (options.MrEnclave is { } mrEnclave)
        {
            RequireLength(mrEnclave, 32, nameof(options.MrEnclave));
            enclave = enclave with { MrEnclave = mrEnclave.ToArray() };
        }

        if (options.MrSigner is { } mrSigner)
        {
            RequireLength(mrSigner, 32, nameof(options.MrSigner));
            enclave = enclave with { MrSigner = mrSigner.ToArray() };
        }

        return enclave;
    }

    private static SimulatedTdIdentity TrustDomain(SimulatedTeePlatform platform, HardwareEmulatorOptions options)
    {
        SimulatedTdIdentity trustDomain = platform.Options.TrustDomain;
        if (options.MrTd is { } mrTd)
        {
            RequireLength(mrTd, 48, nameof(options.MrTd));
            trustDomain = trustDomain with { MrTd = mrTd.ToArray() };
        }

        return trustDomain;
    }

    private static void RequireLength(ReadOnlyMemory<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes; got {value.Length}.", "options");
        }
    }

    private static byte[] Pem(X509Certificate2 certificate) => Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n");

    private static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private sealed class AsyncDisposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
