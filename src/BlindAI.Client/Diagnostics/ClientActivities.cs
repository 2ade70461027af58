using System.Diagnostics;
using BlindAI.Attestation;

namespace BlindAI.Client.Diagnostics;

/// <summary>
/// The client's spans on the <see cref="BlindAIClient.DiagnosticsName"/> activity source: connect, attest, upload, run and
/// delete. Tags name servers, ports, models (id, hash, size) and verification outcomes; never tensors, model bytes,
/// nonces, report data or tokens.
/// </summary>
internal static class ClientActivities
{
    public static readonly ActivitySource Source = new(BlindAIClient.DiagnosticsName, typeof(ClientActivities).Assembly.GetName().Version?.ToString());

    public static Activity? Start(string name, Uri server)
    {
        Activity? activity = Source.StartActivity(name, ActivityKind.Client);
        activity?.SetTag("server.address", server.IdnHost);
        activity?.SetTag("server.port", server.Port);
        return activity;
    }

    /// <summary>Marks the span failed with the exception's type and, for attestation failures, the step and reason.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("error.type", exception.GetType().FullName);
        if (exception is AttestationException attestation)
        {
            activity.SetTag("blindai.attestation.step", attestation.Step.ToString());
            activity.SetTag("blindai.attestation.reason", attestation.Reason.ToString());
        }

        // The message may quote what the server sent; the type, step and reason say what failed without it.
        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }

    /// <summary>The outcome of an attestation, on its span.</summary>
    public static void Attested(Activity? activity, Attestation.AttestationReport report)
    {
        activity?.SetTag("blindai.tee_type", report.Quote.TeeType.ToString());
        activity?.SetTag("blindai.tcb_status", report.Verification.TcbStatus.ToString());
        activity?.SetTag("blindai.fresh_evidence", report.FreshnessVerified);
        activity?.SetTag("blindai.simulation", report.IsSimulation);
    }
}
