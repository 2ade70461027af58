namespace BlindAI.Enclave.Simulation;

/// <summary>An issue date and a next-update date (TCB Info, QE Identity, CRL thisUpdate/nextUpdate).</summary>
/// <param name="IssueDate">When the document was issued.</param>
/// <param name="NextUpdate">When it stops being current.</param>
internal sealed record SimulatedValidity(DateTimeOffset IssueDate, DateTimeOffset NextUpdate);
