namespace BlindAI.Enclave.Quoting;

/// <summary>
/// What the kernel does around a configfs-tsm entry (creates attribute files on mkdir, drops them on rmdir). Only
/// tests implement it, because a temporary folder is not configfs; production passes none.
/// </summary>
internal interface ITsmEntryHooks
{
    void EntryCreated(string entry);

    void EntryRemoving(string entry);
}
