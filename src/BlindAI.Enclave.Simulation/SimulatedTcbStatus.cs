namespace BlindAI.Enclave.Simulation;

/// <summary>TCB statuses as Intel spells them in TCB Info and QE Identity JSON (the names are written verbatim).</summary>
public enum SimulatedTcbStatus
{
    /// <summary><c>UpToDate</c>.</summary>
    UpToDate = 0,

    /// <summary><c>SWHardeningNeeded</c>.</summary>
    SWHardeningNeeded,

    /// <summary><c>ConfigurationNeeded</c>.</summary>
    ConfigurationNeeded,

    /// <summary><c>ConfigurationAndSWHardeningNeeded</c>.</summary>
    ConfigurationAndSWHardeningNeeded,

    /// <summary><c>OutOfDate</c>.</summary>
    OutOfDate,

    /// <summary><c>OutOfDateConfigurationNeeded</c>.</summary>
    OutOfDateConfigurationNeeded,

    /// <summary><c>Revoked</c>.</summary>
    Revoked,
}
