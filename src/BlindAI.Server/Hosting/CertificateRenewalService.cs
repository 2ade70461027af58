using BlindAI.Server.Attestation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Hosting;

/// <summary>
/// Renews the host's RA-TLS key and certificate (with fresh quotes) at a fraction of the certificate's validity, 2/3 by
/// default, so clients never meet an expired certificate. A failed renewal (the quote provider is down) is logged and
/// retried with exponential backoff; the current certificate stays in use meanwhile, and once it expires
/// <see cref="ServerIdentity.Current"/> refuses to hand it out. Time comes from the <see cref="TimeProvider"/> only.
/// </summary>
internal sealed class CertificateRenewalService : BackgroundService
{
    /// <summary>The default renewal point: two thirds of the validity, leaving a third (10 days of 30) for retries.</summary>
    public const double DefaultRenewalFraction = 2.0 / 3.0;

    /// <summary>The first retry delay after a failed renewal; doubled after each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(30);

    // Task.Delay takes at most about 49 days; longer waits (validity of months) are cut into slices and the schedule
    // recomputed after each.
    private static readonly TimeSpan MaxSingleDelay = TimeSpan.FromDays(30);

    private readonly ServerIdentity _identity;
    private readonly double _renewalFraction;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public CertificateRenewalService(ServerIdentity identity, double renewalFraction, TimeProvider timeProvider, ILogger<CertificateRenewalService> logger)
    {
        if (!IsValidFraction(renewalFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(renewalFraction), renewalFraction, "The renewal fraction must be strictly between 0 and 1.");
        }

        _identity = identity;
        _renewalFraction = renewalFraction;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="fraction"/> is usable: strictly between 0 (renew constantly) and 1 (renew at expiry, too late).</summary>
    public static bool IsValidFraction(double fraction) => fraction is > 0 and < 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan retryDelay = InitialRetryDelay;
        bool failing = false;
        bool expiryReported = false;
        ServerIdentitySnapshot? scheduleLogged = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            ServerIdentitySnapshot current = _identity.Latest
                ?? throw new InvalidOperationException("The server identity must be initialised before the renewal service starts.");
            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (!failing)
            {
                DateTimeOffset dueAt = current.RenewalDueAt(_renewalFraction);
                if (dueAt > now)
                {
                    if (!ReferenceEquals(scheduleLogged, current))
                    {
                        CertificateRenewalLog.Scheduled(_logger, dueAt, current.Certificate.Thumbprint, current.NotAfter);
                        scheduleLogged = current;
                    }

                    await DelayUntilAsync(dueAt, stoppingToken).ConfigureAwait(false);
                    continue;
                }
            }

            try
            {
                ServerIdentitySnapshot renewed = await _identity.RenewAsync(stoppingToken).ConfigureAwait(false);
                CertificateRenewalLog.Renewed(_logger, current.Certificate.Thumbprint, renewed.Certificate.Thumbprint, renewed.NotAfter);
                retryDelay = InitialRetryDelay;
                failing = false;
                expiryReported = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of the quote provider must leave the loop alive to retry; the old certificate stays until it expires.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failing = true;
                CertificateRenewalLog.RenewalFailed(_logger, current.Certificate.Thumbprint, current.NotAfter, retryDelay, exception);
                if (!expiryReported && current.HasExpiredAt(_timeProvider.GetUtcNow()))
                {
                    CertificateRenewalLog.Expired(_logger, current.Certificate.Thumbprint, current.NotAfter);
                    expiryReported = true;
                }

                await DelayUntilAsync(_timeProvider.GetUtcNow() + retryDelay, stoppingToken).ConfigureAwait(false);
                retryDelay = retryDelay * 2 > MaxRetryDelay ? MaxRetryDelay : retryDelay * 2;
            }
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset until, CancellationToken stoppingToken)
    {
        TimeSpan remaining = until - _timeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(remaining > MaxSingleDelay ? MaxSingleDelay : remaining, _timeProvider, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop condition ends the service.
        }
    }
}
