namespace BlindAI.Attestation;

/// <summary>One way in which verified evidence breaks an attestation policy.</summary>
/// <param name="Field">The policy field, for example <c>mrEnclave</c> or <c>tcbStatus</c>.</param>
/// <param name="Expected">What the policy asks for (hex for measurements).</param>
/// <param name="Actual">What the evidence holds (hex for measurements).</param>
public sealed record PolicyViolation(string Field, string Expected, string Actual)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: expected {Expected}, actual {Actual}";
}
