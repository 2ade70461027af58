namespace BlindAI.Attestation;

/// <summary>
/// The one exception for rejected evidence: names the reason, the step that failed and, where they
/// exist, the expected and actual values and every policy violation.
/// </summary>
public sealed class AttestationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the evidence was rejected.</param>
    /// <param name="step">The verification step that failed.</param>
    /// <param name="message">A message for people.</param>
    /// <param name="expected">The expected value, when the failure compares values.</param>
    /// <param name="actual">The actual value, when the failure compares values.</param>
    /// <param name="violations">Every policy violation, for <see cref="AttestationFailureReason.PolicyViolation"/>.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AttestationException(
        AttestationFailureReason reason,
        VerificationStep step,
        string message,
        string? expected = null,
        string? actual = null,
        IReadOnlyList<PolicyViolation>? violations = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Step = step;
        Expected = expected;
        Actual = actual;
        Violations = violations ?? [];
    }

    /// <summary>Why the evidence was rejected.</summary>
    public AttestationFailureReason Reason { get; }

    /// <summary>The verification step that failed.</summary>
    public VerificationStep Step { get; }

    /// <summary>The expected value, when the failure compares values.</summary>
    public string? Expected { get; }

    /// <summary>The actual value, when the failure compares values.</summary>
    public string? Actual { get; }

    /// <summary>Every policy violation (empty unless <see cref="Reason"/> is <see cref="AttestationFailureReason.PolicyViolation"/>).</summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }
}
