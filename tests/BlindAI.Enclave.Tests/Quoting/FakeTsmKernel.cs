using System.Text;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Quoting;

/// <summary>
/// Plays the kernel's part of configfs-tsm in a temp folder: on mkdir it creates the attribute files, with
/// <c>outblob</c> as a FIFO so that reading it blocks until the "quote" is made from the <c>inblob</c> just written,
/// bumps <c>generation</c> per write, and drops the files on rmdir.
/// </summary>
internal sealed class FakeTsmKernel : ITsmEntryHooks
{
    private readonly List<Task> _writers = [];

    /// <summary>Extra generations to add, as if another process wrote the entry concurrently.</summary>
    public int ConcurrentWrites { get; init; }

    public List<string> Created { get; } = [];

    public List<string> Removed { get; } = [];

    public static byte[] QuoteFor(byte[] inblob) => [.. "TDXQUOTE"u8, .. inblob];

    public void EntryCreated(string entry)
    {
        Created.Add(entry);
        File.WriteAllBytes(Path.Combine(entry, "inblob"), []);
        File.WriteAllText(Path.Combine(entry, "generation"), "0\n");
        File.WriteAllText(Path.Combine(entry, "provider"), "tdx_guest\n");
        string outblob = Path.Combine(entry, "outblob");
        Fifo.Create(outblob);

        _writers.Add(Task.Factory.StartNew(
            () =>
            {
                // Blocks until the provider opens outblob for reading, which it does only after writing inblob.
                using var stream = new FileStream(outblob, FileMode.Open, FileAccess.Write);
                byte[] inblob = File.ReadAllBytes(Path.Combine(entry, "inblob"));
                stream.Write(QuoteFor(inblob));
                File.WriteAllText(Path.Combine(entry, "generation"), (1 + ConcurrentWrites).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", Encoding.ASCII);
            },
            TaskCreationOptions.LongRunning));
    }

    public void EntryRemoving(string entry)
    {
        Removed.Add(entry);
        foreach (string file in Directory.GetFiles(entry))
        {
            File.Delete(file);
        }
    }

    public Task WritersCompleted() => Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(10));
}
