using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;

namespace BlindAI.Cli.PolicyFiles;

/// <summary>
/// The attribute expectations of an original BlindAI <c>manifest.toml</c>: each value under its mask. The original client
/// (client/blindai/_dcap_attestation.py, BlindAI 0.6) checks <c>flags &amp; mask == flags_hex | INIT</c>,
/// <c>xfrm &amp; mask == xfrm_hex</c> and <c>miscselect &amp; mask == misc_select_hex</c>; DEBUG is left out of the flags
/// mask and decided by <c>allow_debug</c>.
/// </summary>
internal sealed record ManifestAttributes(ulong Flags, ulong FlagsMask, ulong Xfrm, ulong XfrmMask, uint MiscSelect, uint MiscMask)
{
    private const ulong SgxInit = 0x1;
    private const ulong SgxDebug = 0x2;

    /// <summary>
    /// The values of BlindAI's own <c>manifest.prod.template.toml</c>: a 64-bit enclave (flags 0x4, every bit but DEBUG
    /// compared), XFRM 0x3 with AVX and AVX-512 (bits 2, 5, 6, 7) left free, MISCSELECT 0. Used when only MRENCLAVE is known.
    /// </summary>
    public static ManifestAttributes BlindAiProductionDefaults { get; } = new(0x4, 0xfffffffffffffffd, 0x3, 0xffffffffffffff1b, 0x0, 0xffffffff);

    /// <summary>
    /// The attributes the SIGSTRUCT made EINIT enforce, so that the enclave it signs always satisfies them: DEBUG is taken
    /// out of the mask (<c>allow_debug</c> decides it) and INIT put in (every report has it; the client adds it to the value).
    /// </summary>
    public static ManifestAttributes FromSigstruct(SigstructAttributes sigstruct)
    {
        ulong flagsMask = (sigstruct.FlagsMask | SgxInit) & ~SgxDebug;
        return new(
            sigstruct.Flags & flagsMask & ~SgxInit,
            flagsMask,
            sigstruct.Xfrm & sigstruct.XfrmMask,
            sigstruct.XfrmMask,
            sigstruct.MiscSelect & sigstruct.MiscMask,
            sigstruct.MiscMask);
    }
}

/// <summary>
/// Writes the <c>manifest.toml</c> the original BlindAI Python client reads (<c>hazmat_manifest_path</c>;
/// <c>EnclaveManifest.from_dict</c> requires all eight keys), which <see cref="AttestationPolicy.FromBlindAiManifest"/>
/// reads as well.
/// </summary>
/// <remarks>
/// The format can say only: one MRENCLAVE, whether DEBUG is allowed, and the attribute masks. It cannot pin MRSIGNER,
/// ISVPRODID or ISVSVN, choose TCB statuses or advisories, or describe a TDX trust domain: the original client accepts a
/// quote whose status is UpToDate or SWHardeningNeeded, whatever advisories it lists, and nothing else; this project's
/// loader keeps its strict default (UpToDate, no advisory) unless the command line relaxes it.
/// </remarks>
internal static class BlindAiManifestWriter
{
    /// <summary>The manifest text, with comments that say what it leaves to the client.</summary>
    public static string Write(Measurement mrEnclave, bool allowDebug, ManifestAttributes attributes, string attributesSource)
    {
        var text = new StringBuilder();
        text.Append("# BlindAI enclave manifest (the original BlindAI 0.6 client's hazmat_manifest_path; blindai --policy FILE.toml).\n")
            .Append("# Written by 'blindai policy sgx'. This format pins MRENCLAVE, DEBUG and the attributes only: it cannot\n")
            .Append("# pin MRSIGNER/ISVPRODID/ISVSVN or choose TCB statuses and advisories. The original client accepts the\n")
            .Append("# statuses UpToDate and SWHardeningNeeded with any advisory; blindai accepts UpToDate only unless given\n")
            .Append("# --accept-status/--accept-advisory. Prefer the policy JSON written alongside, which carries those choices.\n")
            .Append("mr_enclave = \"").Append(mrEnclave.ToString()).Append("\"\n")
            .Append(allowDebug
                ? "# INSECURE: debug enclaves accepted (the host can read their memory). Development only.\nallow_debug = true\n"
                : "allow_debug = false\n")
            .Append("# Attributes: ").Append(attributesSource).Append(". The client compares flags with INIT added; DEBUG is left to allow_debug.\n")
            .Append("attributes_flags_hex = \"").Append(PolicyJsonWriter.Hex(attributes.Flags)).Append("\"\n")
            .Append("attributes_mask_flags_hex = \"").Append(PolicyJsonWriter.Hex(attributes.FlagsMask)).Append("\"\n")
            .Append("attributes_xfrm_hex = \"").Append(PolicyJsonWriter.Hex(attributes.Xfrm)).Append("\"\n")
            .Append("attributes_mask_xfrm_hex = \"").Append(PolicyJsonWriter.Hex(attributes.XfrmMask)).Append("\"\n")
            .Append("misc_select_hex = \"").Append(PolicyJsonWriter.Hex(attributes.MiscSelect)).Append("\"\n")
            .Append("misc_mask_hex = \"").Append(PolicyJsonWriter.Hex(attributes.MiscMask)).Append("\"\n");
        return text.ToString();
    }

    /// <summary>
    /// Reads the manifest back with <see cref="AttestationPolicy.FromBlindAiManifest"/> and checks that it pins exactly
    /// <paramref name="mrEnclave"/> with the intended debug choice and the attributes written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The manifest would not load as intended (a defect of this writer, never shipped).</exception>
    public static AttestationPolicy ReadBack(string toml, Measurement mrEnclave, bool allowDebug, ManifestAttributes attributes)
    {
        AttestationPolicy loaded = AttestationPolicy.FromBlindAiManifest(toml);
        bool asIntended = loaded.MrEnclaves.Length == 1 && loaded.MrEnclaves[0] == mrEnclave
            && loaded.DebugAllowed == allowDebug
            && loaded.SgxAttributeFlags == new MaskedValue(attributes.Flags | 0x1, attributes.FlagsMask)
            && loaded.SgxXfrm == new MaskedValue(attributes.Xfrm, attributes.XfrmMask)
            && loaded.MiscSelect == new MaskedValue(attributes.MiscSelect, attributes.MiscMask);
        return asIntended ? loaded : throw new InvalidOperationException("The manifest does not read back as intended; nothing was written.");
    }
}
