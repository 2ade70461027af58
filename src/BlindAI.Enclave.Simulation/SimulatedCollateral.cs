using System.Text;
using BlindAI.Attestation.Collateral;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BlindAI.Enclave.Simulation;

/// <summary>
/// Signed collateral from the simulated platform, shaped exactly like Intel's: TCB Info and QE Identity JSON with
/// raw r‖s signatures over their exact bytes, issuer chains (intermediate then root, PEM), DER CRLs.
/// </summary>
public sealed record SimulatedCollateral
{
    /// <summary>When the first of these documents stops being current (the earliest <c>nextUpdate</c>): serve them until then.</summary>
    public required DateTimeOffset NextUpdate { get; init; }

    /// <summary>PEM chain of the PCK CRL issuer: PCK platform CA, then root.</summary>
    public required string PckCrlIssuerChain { get; init; }

    /// <summary>The root CA CRL (DER).</summary>
    public required ReadOnlyMemory<byte> RootCaCrl { get; init; }

    /// <summary>The PCK platform CA CRL (DER).</summary>
    public required ReadOnlyMemory<byte> PckCrl { get; init; }

    /// <summary>PEM chain of the TCB Info signer: TCB signing certificate, then root.</summary>
    public required string TcbInfoIssuerChain { get; init; }

    /// <summary>The exact signed text of the <c>tcbInfo</c> object.</summary>
    public required string TcbInfo { get; init; }

    /// <summary>The TCB Info signature: ECDSA P-256 SHA-256, raw r‖s (64 bytes).</summary>
    public required ReadOnlyMemory<byte> TcbInfoSignature { get; init; }

    /// <summary>PEM chain of the QE Identity signer: TCB signing certificate, then root.</summary>
    public required string QeIdentityIssuerChain { get; init; }

    /// <summary>The exact signed text of the <c>enclaveIdentity</c> object.</summary>
    public required string QeIdentity { get; init; }

    /// <summary>The QE Identity signature: raw r‖s (64 bytes).</summary>
    public required ReadOnlyMemory<byte> QeIdentitySignature { get; init; }

    /// <summary>The collateral as one dcap-qvl <c>QuoteCollateralV3</c> JSON document (CRLs and signatures as lowercase hex).</summary>
    /// <returns>The JSON text.</returns>
    public string ToDcapQvlJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("pck_crl_issuer_chain", PckCrlIssuerChain);
            writer.WriteString("root_ca_crl", Convert.ToHexStringLower(RootCaCrl.Span));
            writer.WriteString("pck_crl", Convert.ToHexStringLower(PckCrl.Span));
            writer.WriteString("tcb_info_issuer_chain", TcbInfoIssuerChain);
            writer.WriteString("tcb_info", TcbInfo);
            writer.WriteString("tcb_info_signature", Convert.ToHexStringLower(TcbInfoSignature.Span));
            writer.WriteString("qe_identity_issuer_chain", QeIdentityIssuerChain);
            writer.WriteString("qe_identity", QeIdentity);
            writer.WriteString("qe_identity_signature", Convert.ToHexStringLower(QeIdentitySignature.Span));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The TCB Info as Intel PCS returns it: <c>{"tcbInfo":{…},"signature":"…"}</c>, the object embedded byte for byte.</summary>
    /// <returns>The response body.</returns>
    public string ToPcsTcbInfoResponse() => $"{{\"tcbInfo\":{TcbInfo},\"signature\":\"{Convert.ToHexStringLower(TcbInfoSignature.Span)}\"}}";

    /// <summary>The QE Identity as Intel PCS returns it: <c>{"enclaveIdentity":{…},"signature":"…"}</c>.</summary>
    /// <returns>The response body.</returns>
    public string ToPcsQeIdentityResponse() => $"{{\"enclaveIdentity\":{QeIdentity},\"signature\":\"{Convert.ToHexStringLower(QeIdentitySignature.Span)}\"}}";

    /// <summary>
    /// This collateral as a PCS or PCCS client returns it (parsed, not yet verified): what a collateral provider for the
    /// simulated platform, or a test standing in for one, hands to the verifier.
    /// </summary>
    /// <returns>The parsed collateral.</returns>
    public QuoteCollateral ToQuoteCollateral() => QuoteCollateral.FromPcsResponses(new PcsCollateralResponses
    {
        TcbInfoBody = Encoding.UTF8.GetBytes(ToPcsTcbInfoResponse()),
        TcbInfoIssuerChain = TcbInfoIssuerChain,
        QeIdentityBody = Encoding.UTF8.GetBytes(ToPcsQeIdentityResponse()),
        QeIdentityIssuerChain = QeIdentityIssuerChain,
        PckCrl = PckCrl,
        PckCrlIssuerChain = PckCrlIssuerChain,
        RootCaCrl = RootCaCrl,
    });
}
