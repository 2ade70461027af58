using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator;

/// <summary>Which hardware boundary the emulator imitates.</summary>
public enum EmulatedTee
{
    /// <summary>Gramine-SGX's <c>/dev/attestation</c> with DCAP: SGX v3 quotes and sealing keys.</summary>
    GramineSgx,

    /// <summary>Linux configfs-tsm (<c>/sys/kernel/config/tsm</c>) in a TDX guest: TDX v4 quotes.</summary>
    TdxConfigFsTsm,
}

/// <summary>Where and how to run the emulator.</summary>
public sealed record HardwareEmulatorOptions
{
    /// <summary>The folder to mount on (created when missing; must be empty). Required.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// The folder that makes a restarted emulator the same machine (platform keys, sealing secret, PCS TLS key); outside
    /// the mount. <see cref="Directory"/> + <c>.state</c> when <see langword="null"/>.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>The port of the PCS look-alike on 127.0.0.1 (0: any free port); no look-alike when <see langword="null"/>.</summary>
    public int? PcsPort { get; init; }

    /// <summary>The enclave's MRENCLAVE (32 bytes; SGX), for example to emulate another build; the simulated default when <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? MrEnclave { get; init; }

    /// <summary>The enclave's MRSIGNER (32 bytes; SGX); the simulated default when <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? MrSigner { get; init; }

    /// <summary>The trust domain's MRTD (48 bytes; TDX); the simulated default when <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? MrTd { get; init; }

    /// <summary>Where the emulator logs (mounts, quotes served, PCS requests); nowhere when <see langword="null"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock for certificate and collateral dates; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
