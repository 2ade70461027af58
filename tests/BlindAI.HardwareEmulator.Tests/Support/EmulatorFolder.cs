namespace BlindAI.HardwareEmulator.Tests.Support;

/// <summary>
/// A fresh temporary folder holding the mount point (<see cref="Mount"/>) and, beside it, the emulator's default state
/// folder (<c>Mount.state</c>); deleted on dispose, after the emulator that used it is gone.
/// </summary>
internal sealed class EmulatorFolder : IDisposable
{
    public EmulatorFolder(string mountName = "attestation")
    {
        Parent = Directory.CreateTempSubdirectory("blindai-emulator-tests-").FullName;
        Mount = Path.Combine(Parent, mountName);
    }

    public string Parent { get; }

    /// <summary>Where the emulator mounts (it creates the folder).</summary>
    public string Mount { get; }

    /// <summary>The default state folder of an emulator mounted on <see cref="Mount"/>.</summary>
    public string State => Mount + ".state";

    public void Dispose()
    {
        try
        {
            // A failed test may have killed an emulator program before it unmounted: remove its stale mount (of the
            // emulator's own type only) so the folder can go and no dead mount accumulates on the machine.
            Fuse.FuseSession.RemoveStaleMounts(Mount, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            Directory.Delete(Parent, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: something else is mounted there, or still busy; a leftover temp folder changes no result.
        }
    }
}
