using System.Diagnostics.CodeAnalysis;

using BlindAI.Attestation.Pck;

namespace BlindAI.Attestation.Quotes;

public sealed partial class Quote
{
    /// <summary>
    /// Parses a quote. Bytes after the end of the certification data (zero padding from the quote generation
    /// library) are ignored; the quote itself is copied once and the input is not retained.
    /// </summary>
    /// <param name="data">The quote, possibly followed by padding.</param>
    /// <returns>The parsed quote.</returns>
    /// <exception cref="AttestationFormatException">The input is not a supported, well-formed quote; the reason and byte offset say why and where.</exception>
    public static Quote Parse(ReadOnlySpan<byte> data)
    {
        Layout layout = Scan(data);
        byte[] copy = data[..layout.TotalLength].ToArray();
        return Build(copy, layout);
    }

    /// <summary>Parses a quote, reporting malformed input as <see langword="false"/> instead of an exception.</summary>
    /// <param name="data">The quote, possibly followed by padding.</param>
    /// <param name="quote">The parsed quote, when the input is well-formed.</param>
    /// <returns>Whether the input is a supported, well-formed quote.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Quote? quote)
    {
        try
        {
            quote = Parse(data);
            return true;
        }
        catch (AttestationFormatException)
        {
            quote = null;
            return false;
        }
    }

    /// <summary>First pass: validates the structure and records where each part lives, without allocating.</summary>
    private static Layout Scan(ReadOnlySpan<byte> data)
    {
        var reader = new QuoteReader(data);
        var layout = default(Layout);

        ushort version = reader.ReadUInt16("the header version");
        if (version is < 3 or > 5)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedVersion, $"Quote version {version} is not supported (3, 4 and 5 are).", QuoteLayout.VersionOffset);
        }

        ushort keyType = reader.ReadUInt16("the header attestation key type");
        if (keyType != (ushort)AttestationKeyType.EcdsaP256)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedAttestationKeyType, $"Attestation key type {keyType} is not supported (only 2, ECDSA-256-with-P-256).", QuoteLayout.AttestationKeyTypeOffset);
        }

        uint teeType = reader.ReadUInt32("the header TEE type");
        if (teeType != (uint)TeeType.Sgx && (version == 3 || teeType != (uint)TeeType.Tdx))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedTeeType, $"TEE type 0x{teeType:x8} is not supported in a version {version} quote.", QuoteLayout.TeeTypeOffset);
        }

        reader.Skip(QuoteLayout.HeaderSize - QuoteLayout.QeSvnOffset, "the header");
        if (!data.Slice(QuoteLayout.QeVendorIdOffset, QuoteLayout.QeVendorIdSize).SequenceEqual(QuoteLayout.IntelQeVendorId))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnknownQeVendor, "The QE vendor id is not Intel's (939a7233f79c4ca9940a0db3957f0607).", QuoteLayout.QeVendorIdOffset);
        }

        QuoteBodyType bodyType;
        int bodySize;
        if (version == 5)
        {
            int descriptorOffset = reader.Offset;
            ushort declaredType = reader.ReadUInt16("the body type");
            uint declaredSize = reader.ReadUInt32("the body size");
            (bodyType, bodySize) = declaredType switch
            {
                (ushort)QuoteBodyType.SgxEnclaveReport => (QuoteBodyType.SgxEnclaveReport, QuoteLayout.SgxReportBodySize),
                (ushort)QuoteBodyType.TdReport10 => (QuoteBodyType.TdReport10, QuoteLayout.TdReport10Size),
                (ushort)QuoteBodyType.TdReport15 => (QuoteBodyType.TdReport15, QuoteLayout.TdReport15Size),
                _ => throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedTeeType, $"Body type {declaredType} is not supported (1 SGX, 2 TD report 1.0, 3 TD report 1.5).", descriptorOffset),
            };
            if (declaredSize != (uint)bodySize)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"Body type {declaredType} is {bodySize} bytes but the quote declares {declaredSize}.", descriptorOffset + 2);
            }

            bool sgxBody = bodyType == QuoteBodyType.SgxEnclaveReport;
            if (sgxBody != (teeType == (uint)TeeType.Sgx))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedTeeType, $"Body type {declaredType} does not belong to TEE type 0x{teeType:x8}.", descriptorOffset);
            }
        }
        else
        {
            (bodyType, bodySize) = teeType == (uint)TeeType.Sgx
                ? (QuoteBodyType.SgxEnclaveReport, QuoteLayout.SgxReportBodySize)
                : (QuoteBodyType.TdReport10, QuoteLayout.TdReport10Size);
        }

        layout.Version = version;
        layout.BodyType = bodyType;
        layout.BodyOffset = reader.Skip(bodySize, "the report body");
        layout.SignedLength = reader.Offset;

        uint signatureDataLength = reader.ReadUInt32("the signature data length");
        QuoteReader signatureData = reader.ReadNested(signatureDataLength, "the signature data");
        layout.SignatureOffset = signatureData.Skip(QuoteLayout.EcdsaSignatureSize, "the quote signature");
        layout.AttestationKeyOffset = signatureData.Skip(QuoteLayout.AttestationPublicKeySize, "the attestation key");

        if (version == 3)
        {
            ScanQeReportCertificationData(ref signatureData, ref layout);
            layout.OuterCertificationDataType = CertificationDataType.PckCertificateChain;
            layout.OuterCertificationDataOffset = layout.PckChainOffset;
            layout.OuterCertificationDataLength = layout.PckChainLength;
        }
        else
        {
            int typeOffset = signatureData.Offset;
            ushort outerType = signatureData.ReadUInt16("the certification data type");
            uint outerSize = signatureData.ReadUInt32("the certification data size");
            if (outerType != (ushort)CertificationDataType.QeReportCertificationData)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedCertificationDataType, $"Certification data type {outerType} is not supported in a version {version} quote (only 6, QE report certification data).", typeOffset);
            }

            QuoteReader qeReportData = signatureData.ReadNested(outerSize, "the QE report certification data");
            layout.OuterCertificationDataType = CertificationDataType.QeReportCertificationData;
            layout.OuterCertificationDataOffset = qeReportData.Offset;
            layout.OuterCertificationDataLength = (int)outerSize;
            ScanQeReportCertificationData(ref qeReportData, ref layout);
            qeReportData.EnsureConsumed("The QE report certification data");
        }

        signatureData.EnsureConsumed("The signature data");
        layout.TotalLength = reader.Offset;
        return layout;
    }

    /// <summary>QE report, its signature, QE auth data and the type-5 certification data (v3 inline, v4/v5 inside type 6).</summary>
    private static void ScanQeReportCertificationData(ref QuoteReader reader, ref Layout layout)
    {
        layout.QeReportOffset = reader.Skip(QuoteLayout.QeReportSize, "the QE report");
        layout.QeReportSignatureOffset = reader.Skip(QuoteLayout.EcdsaSignatureSize, "the QE report signature");
        ushort authLength = reader.ReadUInt16("the QE authentication data length");
        layout.QeAuthDataOffset = reader.Skip(authLength, "the QE authentication data");
        layout.QeAuthDataLength = authLength;

        int typeOffset = reader.Offset;
        ushort type = reader.ReadUInt16("the PCK certification data type");
        uint size = reader.ReadUInt32("the PCK certification data size");
        if (type != (ushort)CertificationDataType.PckCertificateChain)
        {
            throw new AttestationFormatException(
                AttestationFormatErrorReason.UnsupportedCertificationDataType,
                $"Certification data type {type} is not supported (only 5, the PEM PCK certificate chain; types 1 to 3 need the PCK certificate fetched from Intel).",
                typeOffset);
        }

        layout.PckChainOffset = reader.Skip(size, "the PCK certificate chain");
        layout.PckChainLength = (int)size;
    }

    /// <summary>Second pass: builds the immutable objects over the private copy.</summary>
    private static Quote Build(byte[] copy, in Layout layout)
    {
        ReadOnlyMemory<byte> bytes = copy;
        var header = new QuoteHeader(bytes[..QuoteLayout.HeaderSize]);
        SgxReportBody? sgx = null;
        TdReportBody? td = null;
        if (layout.BodyType == QuoteBodyType.SgxEnclaveReport)
        {
            sgx = new SgxReportBody(bytes.Slice(layout.BodyOffset, QuoteLayout.SgxReportBodySize));
        }
        else
        {
            int size = layout.BodyType == QuoteBodyType.TdReport15 ? QuoteLayout.TdReport15Size : QuoteLayout.TdReport10Size;
            td = new TdReportBody(bytes.Slice(layout.BodyOffset, size), layout.BodyType);
        }

        PckCertificateChain chain = PckCertificateChain.FromCertificationData(bytes.Slice(layout.PckChainOffset, layout.PckChainLength), layout.PckChainOffset);
        var signatureData = new QuoteSignatureData(
            new EcdsaSignature(bytes.Slice(layout.SignatureOffset, QuoteLayout.EcdsaSignatureSize)),
            new AttestationPublicKey(bytes.Slice(layout.AttestationKeyOffset, QuoteLayout.AttestationPublicKeySize)),
            new SgxReportBody(bytes.Slice(layout.QeReportOffset, QuoteLayout.QeReportSize)),
            new EcdsaSignature(bytes.Slice(layout.QeReportSignatureOffset, QuoteLayout.EcdsaSignatureSize)),
            new QeAuthenticationData(bytes.Slice(layout.QeAuthDataOffset, layout.QeAuthDataLength)),
            layout.OuterCertificationDataType,
            bytes.Slice(layout.OuterCertificationDataOffset, layout.OuterCertificationDataLength),
            chain);

        return new Quote(bytes, layout.SignedLength, header, layout.BodyType, sgx, td, signatureData);
    }

    /// <summary>Where each part of the quote lives, found by <see cref="Scan"/>.</summary>
    private struct Layout
    {
        public ushort Version;
        public QuoteBodyType BodyType;
        public int BodyOffset;
        public int SignedLength;
        public int SignatureOffset;
        public int AttestationKeyOffset;
        public CertificationDataType OuterCertificationDataType;
        public int OuterCertificationDataOffset;
        public int OuterCertificationDataLength;
        public int QeReportOffset;
        public int QeReportSignatureOffset;
        public int QeAuthDataOffset;
        public int QeAuthDataLength;
        public int PckChainOffset;
        public int PckChainLength;
        public int TotalLength;
    }
}
