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
            Directory.Delete(Parent, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a test that failed may have left a mount; the next run on the same path removes it.
        }
    }
}
