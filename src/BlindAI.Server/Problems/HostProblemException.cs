using BlindAI.Protocol.Problems;

namespace BlindAI.Server.Problems;

/// <summary>A request the host itself refuses (no collateral source, bad token, …), carried to <see cref="ProblemResponder"/>.</summary>
internal sealed class HostProblemException : Exception
{
    public HostProblemException(ProblemCode code, string detail)
        : base(detail)
    {
        Code = code;
    }

    public HostProblemException()
        : this(ProblemCode.Internal, "Internal server error.")
    {
    }

    public HostProblemException(string message)
        : this(ProblemCode.Internal, message)
    {
    }

    public HostProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ProblemCode.Internal;
    }

    public ProblemCode Code { get; }

    public TimeSpan? RetryAfter { get; init; }
}
