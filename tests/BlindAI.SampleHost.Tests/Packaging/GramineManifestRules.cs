namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>What the packaging tests hold every Gramine manifest of the host to (template and GSC user manifest).</summary>
internal static class GramineManifestRules
{
    /// <summary>
    /// Keys whose name says "insecure" and that the template sets, explicitly, to <c>false</c> to
    /// document the decision (DEPLOYING.md, "Manifest settings"). No insecure key may be true.
    /// </summary>
    public static readonly HashSet<string> ExplicitlyDisabledInsecureKeys =
    [
        "loader.insecure__use_cmdline_argv",
        "loader.insecure__use_host_env",
        "sgx.insecure__allow_memfaults_without_exinfo",
        "sys.insecure__allow_eventfd",
    ];

    /// <summary>
    /// Every manifest key Gramine's schema (python/graminelibos/manifest_check.py, v1.9) knows, down
    /// to the level the template sets. A misspelt key would be silently ignored by older Gramine.
    /// </summary>
    private static readonly HashSet<string> KnownKeys =
    [
        "fs.mounts", "fs.root", "fs.start_dir", "fs.insecure__keys",
        "libos.entrypoint", "libos.check_invalid_pointers",
        "loader.entrypoint", "loader.argv", "loader.argv_src_file", "loader.env", "loader.env_src_file",
        "loader.gid", "loader.uid", "loader.log_file", "loader.log_level",
        "loader.insecure__use_cmdline_argv", "loader.insecure__use_host_env", "loader.insecure__disable_aslr",
        "sgx.allowed_files", "sgx.cpu_features", "sgx.debug", "sgx.edmm_enable", "sgx.enable_stats",
        "sgx.enclave_size", "sgx.file_check_policy", "sgx.insecure__allow_memfaults_without_exinfo",
        "sgx.insecure__rpc_thread_num", "sgx.isvprodid", "sgx.isvsvn", "sgx.max_threads",
        "sgx.preheat_enclave", "sgx.profile", "sgx.remote_attestation", "sgx.seal_key",
        "sgx.trusted_files", "sgx.use_exinfo", "sgx.vtune_profile",
        "sys.allowed_ioctls", "sys.brk.max_size", "sys.disallow_subprocesses",
        "sys.enable_extra_runtime_domain_names_conf", "sys.enable_sigterm_injection",
        "sys.experimental__enable_flock", "sys.insecure__allow_eventfd", "sys.ioctl_structs",
        "sys.debug__mock_syscalls", "sys.stack.size", "sys.fds.limit",
    ];

    /// <summary>True when the key, or a table above it, is in Gramine's schema.</summary>
    public static bool IsKnownKey(string key) =>
        KnownKeys.Contains(key) || KnownKeys.Any(known => key.StartsWith(known + ".", StringComparison.Ordinal));
}
