
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests;

public sealed class AttestationExceptionTests
{
    [Fact]
    public void Format_exception_carries_reason_and_offset()
    {
        var error = new AttestationFormatException(AttestationFormatErrorReason.Truncated, "The quote header needs 48 bytes, got 10.", 10);

        Assert.Equal(AttestationFormatErrorReason.Truncated, error.Reason);
        Assert.Equal(10, error.Offset);
        Assert.Equal("The quote header needs 48 bytes, got 10. (at offset 10)", error.Message);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void Attestation_exception_carries_step_values_and_violations()
    {
        PolicyViolation[] violations = [new(PolicyViolationKind.MrEnclave, "aa", "bb"), new(PolicyViolationKind.Debug, "false", "true")];
        var error = new AttestationException(AttestationFailureReason.PolicyViolation, VerificationStep.Policy, "Policy not satisfied.", violations: violations);

        Assert.Equal(VerificationStep.Policy, error.Step);
        Assert.Equal(2, error.Violations.Count);
        Assert.Equal("mrEnclave: expected aa, actual bb", error.Violations[0].ToString());
        Assert.Null(error.Expected);
    }

    [Fact]
    public void Shared_test_vectors_are_reachable()
    {
        // Every later attestation test reads these real Intel-signed vectors; fail loudly if they moved.
        Assert.True(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote").Length > 1000);
    }
}
