using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Protocol.Cbor;
using BlindAI.SampleHost.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Attestation;

/// <summary>
/// The host's attested identity, made once at start: an RA-TLS certificate whose key never leaves this process (served
/// on the attested and management ports, and as DER on <c>GET /</c>), and the quote the original client checks on
/// <c>GET /quote</c> (report data = SHA-256 of that exact DER, then 32 zero bytes, as the original server made it).
/// </summary>
internal sealed class ServerIdentity : IDisposable
{
    private readonly RaTlsCertificateBuilder _builder;
    private readonly IQuoteProvider _quoteProvider;
    private readonly RaTlsCertificateOptions _certificateOptions;
    private readonly ILogger _logger;
    private State? _state;

    public ServerIdentity(RaTlsCertificateBuilder builder, IQuoteProvider quoteProvider, RaTlsCertificateOptions certificateOptions, ILogger<ServerIdentity> logger)
    {
        _builder = builder;
        _quoteProvider = quoteProvider;
        _certificateOptions = certificateOptions;
        _logger = logger;
    }

    public bool IsReady => _state is not null;

    /// <summary>The certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 Certificate => Current.Certificate.Certificate;

    /// <summary>The RA-TLS certificate and the quotes it carries.</summary>
    public RaTlsCertificate RaTlsCertificate => Current.Certificate;

    /// <summary>The body of <c>GET /</c>: the certificate DER as a CBOR byte string.</summary>
    public ReadOnlyMemory<byte> CertificateBody => Current.CertificateBody;

    /// <summary>The raw quote bound to the certificate DER.</summary>
    public ReadOnlyMemory<byte> Quote => Current.Quote;

    /// <summary>The body of <c>GET /quote</c>: <see cref="Quote"/> as a CBOR byte string.</summary>
    public ReadOnlyMemory<byte> QuoteBody => Current.QuoteBody;

    private State Current => _state ?? throw new InvalidOperationException("The server identity is not initialised yet.");

    /// <summary>Generates the key, gets its quotes and builds the certificate.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_state is not null)
        {
            return;
        }

        RaTlsCertificate certificate = await _builder.BuildAsync(_certificateOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] der = certificate.Certificate.RawData;
            byte[] reportData = new byte[QuoteConstants.ReportDataLength];
            SHA256.HashData(der, reportData);
            byte[] quote = await _quoteProvider.GetQuoteAsync(reportData, cancellationToken).ConfigureAwait(false);
            _state = new State(certificate, MessageCodec.Default.EncodeCertificate(der), quote, MessageCodec.Default.EncodeQuote(quote));
            HostLog.IdentityReady(_logger, certificate.Certificate.Thumbprint, _quoteProvider.Kind, quote.Length);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose() => _state?.Certificate.Dispose();

    private sealed record State(RaTlsCertificate Certificate, byte[] CertificateBody, byte[] Quote, byte[] QuoteBody);
}
