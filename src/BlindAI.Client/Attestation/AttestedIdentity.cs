using BlindAI.Attestation;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Client.Attestation;

/// <summary>
/// What must stay the same when a server is re-attested (its certificate was renewed, or it restarted): the TEE type
/// and, for SGX, MRENCLAVE, MRSIGNER and ISVPRODID; for TDX, MRTD and RTMR0 to RTMR3. A new key is expected; other code
/// is not, even when the policy would accept it (a policy pinning only MRSIGNER accepts every build of that signer).
/// Security versions may differ: the policy, evaluated again, decides whether the new one is acceptable.
/// </summary>
internal sealed record AttestedIdentity(TeeType TeeType, Measurement Primary, Measurement Signer, ushort ProductId, IReadOnlyList<Measurement> RuntimeMeasurements)
{
    public static AttestedIdentity Of(Quote quote) => (quote.SgxReport, quote.TdReport) switch
    {
        ({ } sgx, _) => new(quote.Header.TeeType, sgx.MrEnclave, sgx.MrSigner, sgx.IsvProdId, []),
        (null, { } td) => new(quote.Header.TeeType, td.MrTd, default, 0, [.. td.Rtmrs]),
        _ => throw new AttestationException(AttestationFailureReason.MalformedInput, VerificationStep.Parse, "The quote carries neither an SGX nor a TD report."),
    };

    public bool Equals(AttestedIdentity? other) =>
        other is not null && TeeType == other.TeeType && Primary == other.Primary && Signer == other.Signer && ProductId == other.ProductId
        && RuntimeMeasurements.SequenceEqual(other.RuntimeMeasurements);

    public override int GetHashCode() => HashCode.Combine(TeeType, Primary, Signer, ProductId);

    /// <summary>The identity as the error's expected/actual values show it.</summary>
    public override string ToString() => TeeType == TeeType.Sgx
        ? $"SGX MRENCLAVE={Primary} MRSIGNER={Signer} ISVPRODID={ProductId}"
        : $"{TeeType} MRTD={Primary} RTMR0..3={string.Join(",", RuntimeMeasurements)}";
}
