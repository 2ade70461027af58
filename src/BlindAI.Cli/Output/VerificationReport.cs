using System.Globalization;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Cli.Output;

/// <summary>
/// What a verifying command reports, with the stable JSON names of <c>blindai quote verify --json</c>
/// (also used by <c>ratls verify</c>, <c>bench verify</c> and <c>attest</c>).
/// </summary>
internal sealed record VerificationReport
{
    /// <summary>The quote judged, or <see langword="null"/> when the evidence could not be read as a quote (then <see cref="Failure"/> says why).</summary>
    public Quote? Quote { get; init; }

    public QuoteVerificationResult? Result { get; init; }

    public AttestationException? Failure { get; init; }

    public IReadOnlyList<PolicyViolation> PolicyViolations { get; init; } = [];

    /// <summary>Whether the policy pinned an identity (<see cref="Attestation.Policy.AttestationPolicy.PinsIdentity"/>); when not, any genuine enclave passes.</summary>
    public required bool IdentityPinned { get; init; }

    /// <summary>Checks a command adds that must hold for <see cref="Verified"/> (for example <c>bindingVerified</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, bool>> Checks { get; init; } = [];

    /// <summary>Facts a command adds for information only (for example <c>freshnessVerified</c>, <c>simulation</c>); they never change the verdict.</summary>
    public IReadOnlyList<KeyValuePair<string, bool>> Facts { get; init; } = [];

    /// <summary>The root the evidence was verified against, when it is not the Intel SGX Root CA (a simulation root).</summary>
    public TrustAnchor? NonIntelTrustAnchor { get; init; }

    public bool Verified => Quote is not null && Result is not null && Failure is null && PolicyViolations.Count == 0 && Checks.All(e => e.Value);

    public int ExitCode => Verified ? CliExitCode.Ok : CliExitCode.Rejected;

    /// <summary>A rejection of evidence that is not a readable quote (or whose quote could not be checked): reason and step, no quote fields.</summary>
    public static VerificationReport Rejected(AttestationException failure, bool identityPinned, Quote? quote = null) =>
        new() { Quote = quote, Failure = failure, IdentityPinned = identityPinned };

    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteBoolean("verified", Verified);
        foreach (var (name, value) in Checks)
        {
            json.WriteBoolean(name, value);
        }

        json.WriteBoolean("identityPinned", IdentityPinned);
        foreach (var (name, value) in Facts)
        {
            json.WriteBoolean(name, value);
        }

        if (NonIntelTrustAnchor is { } anchor)
        {
            json.WriteString("trustAnchorSha256", anchor.Sha256Hex);
        }

        if (Quote is null)
        {
            // The same members as a readable quote's report, null: consumers need not special-case the shape.
            foreach (string name in new[] { "teeType", "quoteVersion", "tcbStatus" })
            {
                json.WriteNull(name);
            }

            json.WriteStartArray("advisoryIds");
            json.WriteEndArray();
            foreach (string name in new[] { "fmspc", "reportData", "debug", "collateralExpiresAt" })
            {
                json.WriteNull(name);
            }

            WriteFailure(json, Failure);
            WritePolicyViolations(json, PolicyViolations);
            json.WriteEndObject();
            return;
        }

        json.WriteString("teeType", Quote.TeeType == TeeType.Tdx ? "TDX" : "SGX");
        json.WriteNumber("quoteVersion", Quote.Version);
        WriteNullableString(json, "tcbStatus", Result?.TcbStatus.ToIntelName());
        json.WriteStartArray("advisoryIds");
        foreach (string id in Result?.AdvisoryIds ?? [])
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
        WriteNullableString(json, "fmspc", Result?.Fmspc.ToString() ?? TryFmspc(Quote));
        json.WriteString("reportData", Quote.ReportData.ToString());
        if (Quote.SgxReport is { } sgx)
        {
            json.WriteString("mrEnclave", sgx.MrEnclave.ToString());
            json.WriteString("mrSigner", sgx.MrSigner.ToString());
            json.WriteNumber("isvProdId", sgx.IsvProdId);
            json.WriteNumber("isvSvn", sgx.IsvSvn);
        }
        else if (Quote.TdReport is { } td)
        {
            json.WriteString("mrTd", td.MrTd.ToString());
            json.WriteStartArray("rtmrs");
            foreach (Measurement rtmr in td.Rtmrs)
            {
                json.WriteStringValue(rtmr.ToString());
            }

            json.WriteEndArray();
            json.WriteString("mrConfigId", td.MrConfigId.ToString());
            json.WriteString("teeTcbSvn", td.TeeTcbSvn.ToString());
        }

        json.WriteBoolean("debug", Quote.IsDebug);
        WriteNullableString(json, "collateralExpiresAt", Result?.CollateralExpiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        WriteFailure(json, Failure);
        WritePolicyViolations(json, PolicyViolations);
        json.WriteEndObject();
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine(Verified ? "VERIFIED" : "REJECTED");
        foreach (var (name, value) in Checks)
        {
            output.WriteLine($"  {name}: {value}");
        }

        output.WriteLine(IdentityPinned
            ? "  identity pinned by the policy"
            : "  identity not pinned: the policy accepts any genuine enclave; compare the measurements yourself, or pin them with --mrenclave, --mrsigner with --isv-prod-id, --mrtd or --policy");
        foreach (var (name, value) in Facts)
        {
            output.WriteLine($"  {name}: {value}");
        }

        if (NonIntelTrustAnchor is { } anchor)
        {
            output.WriteLine($"  Trust anchor: SIMULATION root (not Intel) {anchor.Sha256Hex}");
        }

        if (Quote is not null)
        {
            WriteQuoteText(output, Quote);
        }

        if (Failure is not null)
        {
            output.WriteLine($"  Failure: {Failure.Reason} at {Failure.Step}: {Failure.Message}");
            if (Failure.Expected is not null || Failure.Actual is not null)
            {
                output.WriteLine($"    expected {Failure.Expected}, actual {Failure.Actual}");
            }
        }

        foreach (PolicyViolation violation in PolicyViolations)
        {
            output.WriteLine($"  Policy violation: {violation}");
        }
    }

    private void WriteQuoteText(TextWriter output, Quote quote)
    {
        output.WriteLine($"  TEE: {(quote.TeeType == TeeType.Tdx ? "TDX" : "SGX")}, quote v{quote.Version}");
        if (Result is not null)
        {
            output.WriteLine($"  TCB status: {Result.TcbStatus.ToIntelName()}{(Result.AdvisoryIds.Count > 0 ? $" ({string.Join(", ", Result.AdvisoryIds)})" : string.Empty)}");
            output.WriteLine($"  FMSPC: {Result.Fmspc}");
            output.WriteLine($"  Collateral expires: {Result.CollateralExpiresAt:yyyy-MM-ddTHH:mm:ssZ}");
        }

        if (quote.SgxReport is { } sgx)
        {
            output.WriteLine($"  MRENCLAVE: {sgx.MrEnclave}");
            output.WriteLine($"  MRSIGNER: {sgx.MrSigner}");
            output.WriteLine($"  ISVPRODID: {sgx.IsvProdId}, ISVSVN: {sgx.IsvSvn}");
        }
        else if (quote.TdReport is { } td)
        {
            output.WriteLine($"  MRTD: {td.MrTd}");
            for (int i = 0; i < td.Rtmrs.Count; i++)
            {
                output.WriteLine($"  RTMR{i}: {td.Rtmrs[i]}");
            }
        }

        output.WriteLine($"  Debug: {quote.IsDebug}");
    }

    /// <summary>Writes the <c>failure</c> member: reason, step, message, expected and actual, or null.</summary>
    public static void WriteFailure(Utf8JsonWriter json, AttestationException? failure)
    {
        if (failure is null)
        {
            json.WriteNull("failure");
            return;
        }

        json.WriteStartObject("failure");
        json.WriteString("reason", failure.Reason.ToString());
        json.WriteString("step", failure.Step.ToString());
        json.WriteString("message", failure.Message);
        WriteNullableString(json, "expected", failure.Expected);
        WriteNullableString(json, "actual", failure.Actual);
        json.WriteEndObject();
    }

    /// <summary>Writes the <c>policyViolations</c> member.</summary>
    public static void WritePolicyViolations(Utf8JsonWriter json, IEnumerable<PolicyViolation> violations)
    {
        json.WriteStartArray("policyViolations");
        foreach (PolicyViolation violation in violations)
        {
            json.WriteStartObject();
            json.WriteString("field", violation.Field);
            json.WriteString("expected", violation.Expected);
            json.WriteString("actual", violation.Actual);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The FMSPC of the quote's PCK certificate, or <see langword="null"/> when it cannot be read.</summary>
    public static string? TryFmspc(Quote quote)
    {
        try
        {
            return CollateralRequest.For(quote).FmspcHex;
        }
        catch (AttestationFormatException)
        {
            return null;
        }
    }

    /// <summary>Writes a string member, or null.</summary>
    public static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
