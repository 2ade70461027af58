namespace BlindAI.Attestation.Quotes;

/// <summary>
/// A parsed Intel DCAP ECDSA quote: SGX v3, v4 (SGX or TDX 1.0 body) or v5 (SGX, TD report 1.0 or 1.5 body).
/// Parsing only reads the structure; nothing here is verified (see the verifier for signatures, chains
/// and collateral). Instances are immutable and own a private copy of the quote bytes.
/// </summary>
public sealed partial class Quote
{
    private Quote(
        ReadOnlyMemory<byte> bytes,
        int signedRegionLength,
        QuoteHeader header,
        QuoteBodyType bodyType,
        SgxReportBody? sgxReport,
        TdReportBody? tdReport,
        QuoteSignatureData signatureData)
    {
        Bytes = bytes;
        SignedRegion = bytes[..signedRegionLength];
        Header = header;
        BodyType = bodyType;
        SgxReport = sgxReport;
        TdReport = tdReport;
        SignatureData = signatureData;
    }

    /// <summary>The quote format version: 3, 4 or 5.</summary>
    public ushort Version => Header.Version;

    /// <summary>The TEE that produced the quote, derived from the body (a v3 quote is SGX).</summary>
    public TeeType TeeType => SgxReport is null ? TeeType.Tdx : TeeType.Sgx;

    /// <summary>The header.</summary>
    public QuoteHeader Header { get; }

    /// <summary>The kind of report body.</summary>
    internal QuoteBodyType BodyType { get; }

    /// <summary>The enclave report body when <see cref="TeeType"/> is SGX; otherwise <see langword="null"/>.</summary>
    public SgxReportBody? SgxReport { get; }

    /// <summary>The TD report body when <see cref="TeeType"/> is TDX; otherwise <see langword="null"/>.</summary>
    public TdReportBody? TdReport { get; }

    /// <summary>The 64 bytes of report data of whichever body the quote carries.</summary>
    public Measurement ReportData => SgxReport?.ReportData ?? TdReport!.ReportData;

    /// <summary>Whether the enclave or TD runs in debug mode.</summary>
    public bool IsDebug => SgxReport?.IsDebug ?? TdReport!.IsDebug;

    /// <summary>The signature, attestation key, QE report and PCK certificate chain.</summary>
    internal QuoteSignatureData SignatureData { get; }

    /// <summary>The exact quote bytes, from the header to the end of the certification data (any trailing padding of the input is not included).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The bytes the quote signature covers: header and body (v5: header, 6-byte body descriptor and body).</summary>
    public ReadOnlyMemory<byte> SignedRegion { get; }

    /// <summary>
    /// Writes every parsed field as one JSON object, for logs and diagnostics (<c>blindai quote show</c> prints it): the
    /// header, the report body, the signature data and the PCK certificates with their Intel SGX extensions. Binary values
    /// are lower-case hex; member names are stable. Nothing written is verified.
    /// </summary>
    /// <param name="writer">The writer; the object is written as its next value.</param>
    /// <exception cref="AttestationFormatException">A part read on first use (the PCK certificate's SGX extension) is malformed.</exception>
    public void WriteJson(System.Text.Json.Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        QuoteJson.Write(writer, this);
    }
}
