using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Pck;

/// <summary>
/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): a SEQUENCE of (OID, value)
/// pairs read by OID, never by position, since the order and the optional members vary between CA types.
/// </summary>
internal sealed class SgxPckExtensions
{
    /// <summary>The OID of the SGX extension.</summary>
    public const string ExtensionOid = "1.2.840.113741.1.13.1";

    private const string PpidOid = ExtensionOid + ".1";
    private const string TcbOid = ExtensionOid + ".2";
    private const string PceIdOid = ExtensionOid + ".3";
    private const string FmspcOid = ExtensionOid + ".4";
    private const string SgxTypeOid = ExtensionOid + ".5";
    private const string PlatformInstanceIdOid = ExtensionOid + ".6";
    private const string ConfigurationOid = ExtensionOid + ".7";
    private const int TcbComponentCount = 16;
    private const int PceSvnIndex = 17;
    private const int CpuSvnIndex = 18;

    private SgxPckExtensions(
        Measurement ppid,
        PckTcb tcb,
        Measurement pceId,
        Measurement fmspc,
        SgxType sgxType,
        Measurement? platformInstanceId,
        PckPlatformConfiguration? configuration)
    {
        Ppid = ppid;
        Tcb = tcb;
        PceId = pceId;
        Fmspc = fmspc;
        SgxType = sgxType;
        PlatformInstanceId = platformInstanceId;
        Configuration = configuration;
    }

    /// <summary>The platform provisioning id (16 bytes, .1).</summary>
    public Measurement Ppid { get; }

    /// <summary>The TCB the certificate was issued for (.2).</summary>
    public PckTcb Tcb { get; }

    /// <summary>The PCE id (2 bytes, .3), for example <c>0000</c>.</summary>
    public Measurement PceId { get; }

    /// <summary>The FMSPC (6 bytes, .4): family-model-stepping-platform-custom SKU; selects the TCB Info.</summary>
    public Measurement Fmspc { get; }

    /// <summary>The SGX type (.5).</summary>
    public SgxType SgxType { get; }

    /// <summary>The platform instance id (16 bytes, .6; Platform CA certificates only), or <see langword="null"/>.</summary>
    public Measurement? PlatformInstanceId { get; }

    /// <summary>The platform configuration (.7; Platform CA certificates only), or <see langword="null"/>.</summary>
    public PckPlatformConfiguration? Configuration { get; }

    /// <summary>Reads the SGX extension of a PCK certificate.</summary>
    /// <param name="certificate">The PCK leaf certificate.</param>
    /// <returns>The extension values.</returns>
    /// <exception cref="AttestationFormatException">The extension is missing (<see cref="AttestationFormatErrorReason.MissingField"/>) or malformed (<see cref="AttestationFormatErrorReason.InvalidExtension"/>).</exception>
    public static SgxPckExtensions FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509Extension? extension = null;
        foreach (X509Extension candidate in certificate.Extensions)
        {
            if (candidate.Oid?.Value == ExtensionOid)
            {
                extension = extension is null
                    ? candidate
                    : throw new AttestationFormatException(AttestationFormatErrorReason.InvalidExtension, "The certificate carries the SGX extension twice.");
            }
        }

        return extension is null
            ? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"The certificate has no SGX extension ({ExtensionOid}); it is not a PCK certificate.")
            : Parse(extension.RawData);
    }

    /// <summary>Reads the DER value of the SGX extension.</summary>
    /// <param name="extensionValue">The extension's value (the content of its OCTET STRING).</param>
    /// <returns>The extension values.</returns>
    /// <exception cref="AttestationFormatException">A required member is missing (<see cref="AttestationFormatErrorReason.MissingField"/>) or the DER is malformed (<see cref="AttestationFormatErrorReason.InvalidExtension"/>).</exception>
    public static SgxPckExtensions Parse(ReadOnlySpan<byte> extensionValue)
    {
        try
        {
            return ParseCore(extensionValue.ToArray());
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or OverflowException)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidExtension, $"The SGX extension is not valid DER: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Reads the DER value of the SGX extension, reporting malformed input as <see langword="false"/>.</summary>
    /// <param name="extensionValue">The extension's value.</param>
    /// <param name="extensions">The extension values, when well-formed.</param>
    /// <returns>Whether the value is a well-formed SGX extension.</returns>
    public static bool TryParse(ReadOnlySpan<byte> extensionValue, [NotNullWhen(true)] out SgxPckExtensions? extensions)
    {
        try
        {
            extensions = Parse(extensionValue);
            return true;
        }
        catch (AttestationFormatException)
        {
            extensions = null;
            return false;
        }
    }

    private static SgxPckExtensions ParseCore(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader members = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        Measurement? ppid = null, pceId = null, fmspc = null, platformInstanceId = null;
        PckTcb? tcb = null;
        SgxType? sgxType = null;
        PckPlatformConfiguration? configuration = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (members.HasData)
        {
            AsnReader member = members.ReadSequence();
            string oid = member.ReadObjectIdentifier();
            if (!seen.Add(oid))
            {
                throw Invalid($"member {oid} appears twice");
            }

            switch (oid)
            {
                case PpidOid: ppid = ReadOctets(member, 16, "PPID"); break;
                case TcbOid: tcb = ReadTcb(member.ReadSequence()); break;
                case PceIdOid: pceId = ReadOctets(member, 2, "PCE-ID"); break;
                case FmspcOid: fmspc = ReadOctets(member, 6, "FMSPC"); break;
                case SgxTypeOid: sgxType = ReadSgxType(member); break;
                case PlatformInstanceIdOid: platformInstanceId = ReadOctets(member, 16, "platform instance id"); break;
                case ConfigurationOid: configuration = ReadConfiguration(member.ReadSequence()); break;
                default:
                    // Members Intel may add later are skipped; the ones the verifier relies on are all required below.
                    member.ReadEncodedValue();
                    break;
            }

            member.ThrowIfNotEmpty();
        }

        return new SgxPckExtensions(
            ppid ?? throw Missing("PPID", PpidOid),
            tcb ?? throw Missing("TCB", TcbOid),
            pceId ?? throw Missing("PCE-ID", PceIdOid),
            fmspc ?? throw Missing("FMSPC", FmspcOid),
            sgxType ?? throw Missing("SGX type", SgxTypeOid),
            platformInstanceId,
            configuration);
    }

    private static PckTcb ReadTcb(AsnReader sequence)
    {
        byte[] components = new byte[TcbComponentCount];
        var seen = new bool[CpuSvnIndex + 1];
        ushort pceSvn = 0;
        Measurement cpuSvn = default;
        while (sequence.HasData)
        {
            AsnReader member = sequence.ReadSequence();
            string oid = member.ReadObjectIdentifier();
            if (!oid.StartsWith(TcbOid + ".", StringComparison.Ordinal)
                || !int.TryParse(oid.AsSpan(TcbOid.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
                || index is < 1 or > CpuSvnIndex)
            {
                throw Invalid($"TCB member {oid} is unknown");
            }

            if (seen[index])
            {
                throw Invalid($"TCB member {oid} appears twice");
            }

            seen[index] = true;
            if (index <= TcbComponentCount)
            {
                components[index - 1] = checked((byte)ReadBoundedInteger(member, byte.MaxValue, $"SGX TCB component {index}"));
            }
            else if (index == PceSvnIndex)
            {
                pceSvn = checked((ushort)ReadBoundedInteger(member, ushort.MaxValue, "PCESVN"));
            }
            else
            {
                cpuSvn = ReadOctets(member, 16, "CPUSVN");
            }

            member.ThrowIfNotEmpty();
        }

        for (int i = 1; i <= CpuSvnIndex; i++)
        {
            if (!seen[i])
            {
                throw Missing(i <= TcbComponentCount ? $"SGX TCB component {i}" : i == PceSvnIndex ? "PCESVN" : "CPUSVN", $"{TcbOid}.{i}");
            }
        }

        return new PckTcb(components, pceSvn, cpuSvn);
    }

    private static PckPlatformConfiguration ReadConfiguration(AsnReader sequence)
    {
        bool? dynamicPlatform = null, cachedKeys = null, smtEnabled = null;
        while (sequence.HasData)
        {
            AsnReader member = sequence.ReadSequence();
            string oid = member.ReadObjectIdentifier();
            switch (oid)
            {
                case ConfigurationOid + ".1": dynamicPlatform = ReadFlag(member, dynamicPlatform, oid); break;
                case ConfigurationOid + ".2": cachedKeys = ReadFlag(member, cachedKeys, oid); break;
                case ConfigurationOid + ".3": smtEnabled = ReadFlag(member, smtEnabled, oid); break;
                default: member.ReadEncodedValue(); break;
            }

            member.ThrowIfNotEmpty();
        }

        return new PckPlatformConfiguration(dynamicPlatform, cachedKeys, smtEnabled);
    }

    private static bool ReadFlag(AsnReader member, bool? previous, string oid) =>
        previous is null ? member.ReadBoolean() : throw Invalid($"configuration member {oid} appears twice");

    private static SgxType ReadSgxType(AsnReader member)
    {
        // DER INTEGERs and ENUMERATEDs may carry a leading 0x00; ReadEnumeratedBytes returns the minimal two's-complement content.
        ReadOnlySpan<byte> value = member.ReadEnumeratedBytes().Span;
        int type = value.Length == 1 ? value[0] : -1;
        return type is >= 0 and <= (int)SgxType.ScalableWithIntegrity ? (SgxType)type : throw Invalid("the SGX type is not 0, 1 or 2");
    }

    private static int ReadBoundedInteger(AsnReader member, int max, string name)
    {
        if (!member.TryReadInt32(out int value) || value < 0 || value > max)
        {
            throw Invalid($"{name} is not an integer from 0 to {max}");
        }

        return value;
    }

    private static Measurement ReadOctets(AsnReader member, int length, string name)
    {
        byte[] value = member.ReadOctetString();
        return value.Length == length ? Measurement.FromBytes(value) : throw Invalid($"{name} is {value.Length} bytes, not {length}");
    }

    private static AttestationFormatException Invalid(string what) =>
        new(AttestationFormatErrorReason.InvalidExtension, $"The SGX extension is malformed: {what}.");

    private static AttestationFormatException Missing(string name, string oid) =>
        new(AttestationFormatErrorReason.MissingField, $"The SGX extension has no {name} ({oid}).");
}
