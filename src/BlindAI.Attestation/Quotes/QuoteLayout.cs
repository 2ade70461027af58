namespace BlindAI.Attestation.Quotes;

/// <summary>Byte offsets and sizes of the DCAP quote structures (Intel SGX/TDX ECDSA quote library API, v3 to v5).</summary>
internal static class QuoteLayout
{
    // Header (48 bytes, every version).
    public const int HeaderSize = 48;
    public const int VersionOffset = 0;
    public const int AttestationKeyTypeOffset = 2;
    public const int TeeTypeOffset = 4;
    public const int QeSvnOffset = 8;
    public const int PceSvnOffset = 10;
    public const int QeVendorIdOffset = 12;
    public const int QeVendorIdSize = 16;
    public const int UserDataOffset = 28;
    public const int UserDataSize = 20;

    // v5 body descriptor: body_type u16, body_size u32.
    public const int BodyDescriptorSize = 6;

    // Report bodies.
    public const int SgxReportBodySize = 384;
    public const int TdReport10Size = 584;
    public const int TdReport15Size = 648;

    // Signature data (after the body, behind a u32 length).
    public const int EcdsaSignatureSize = 64;
    public const int AttestationPublicKeySize = 64;
    public const int QeReportSize = SgxReportBodySize;
    public const int CertificationDataHeaderSize = 6;

    /// <summary>Intel's QE vendor id, 939a7233-f79c-4ca9-940a-0db3957f0607.</summary>
    public static ReadOnlySpan<byte> IntelQeVendorId =>
        [0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07];

    /// <summary>SGX report body (also the QE report).</summary>
    public static class Sgx
    {
        public const int CpuSvn = 0, CpuSvnSize = 16;
        public const int MiscSelect = 16;
        public const int IsvExtProdId = 32, IsvExtProdIdSize = 16;
        public const int Attributes = 48, AttributesSize = 16;
        public const int AttributeFlags = 48;
        public const int Xfrm = 56;
        public const int MrEnclave = 64, MrEnclaveSize = 32;
        public const int MrSigner = 128, MrSignerSize = 32;
        public const int ConfigId = 192, ConfigIdSize = 64;
        public const int IsvProdId = 256;
        public const int IsvSvn = 258;
        public const int ConfigSvn = 260;
        public const int IsvFamilyId = 304, IsvFamilyIdSize = 16;
        public const int ReportData = 320, ReportDataSize = 64;
    }

    /// <summary>TD report body 1.0, and the two fields 1.5 appends.</summary>
    public static class Td
    {
        public const int TeeTcbSvn = 0, TeeTcbSvnSize = 16;
        public const int MrSeam = 16;
        public const int MrSignerSeam = 64;
        public const int SeamAttributes = 112;
        public const int TdAttributes = 120;
        public const int Xfam = 128;
        public const int MrTd = 136;
        public const int MrConfigId = 184;
        public const int MrOwner = 232;
        public const int MrOwnerConfig = 280;
        public const int Rtmr0 = 328;
        public const int RtmrCount = 4;
        public const int ReportData = 520, ReportDataSize = 64;
        public const int TeeTcbSvn2 = 584;
        public const int MrServiceTd = 600;
        public const int Sha384Size = 48;
    }
}
