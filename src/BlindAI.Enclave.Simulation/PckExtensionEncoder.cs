using System.Formats.Asn1;

namespace BlindAI.Enclave.Simulation;

/// <summary>
/// Writes Intel's SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate, in the order and with the types
/// Intel's PCK certificates use: PPID, TCB (16 component SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC, SGX type, platform
/// instance id and configuration (platform-CA-issued certificates carry the last two).
/// </summary>
internal static class PckExtensionEncoder
{
    public const string SgxExtensionsOid = "1.2.840.113741.1.13.1";

    public static byte[] Encode(SimulatedPlatformTcb tcb, ReadOnlySpan<byte> ppid, ReadOnlySpan<byte> platformInstanceId)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            OctetString(writer, ".1", ppid);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionsOid + ".2");
                using (writer.PushSequence())
                {
                    ReadOnlySpan<byte> components = tcb.SgxTcbComponents.Span;
                    for (int i = 0; i < 16; i++)
                    {
                        Integer(writer, $".2.{i + 1}", components[i]);
                    }

                    Integer(writer, ".2.17", tcb.PceSvn);
                    OctetString(writer, ".2.18", tcb.CpuSvn.Span);
                }
            }

            OctetString(writer, ".3", tcb.PceId.Span);
            OctetString(writer, ".4", tcb.Fmspc.Span);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionsOid + ".5");
                writer.WriteEnumeratedValue((SgxTypeCode)tcb.SgxType);
            }

            OctetString(writer, ".6", platformInstanceId);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionsOid + ".7");
                using (writer.PushSequence())
                {
                    Boolean(writer, ".7.1", value: false);
                    Boolean(writer, ".7.2", value: false);
                    Boolean(writer, ".7.3", value: false);
                }
            }
        }

        return writer.Encode();
    }

    private enum SgxTypeCode
    {
        Standard = 0,
        Scalable = 1,
        ScalableWithIntegrity = 2,
    }

    private static void OctetString(AsnWriter writer, string suffix, ReadOnlySpan<byte> value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SgxExtensionsOid + suffix);
            writer.WriteOctetString(value);
        }
    }

    private static void Integer(AsnWriter writer, string suffix, int value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SgxExtensionsOid + suffix);
            writer.WriteInteger(value);
        }
    }

    private static void Boolean(AsnWriter writer, string suffix, bool value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SgxExtensionsOid + suffix);
            writer.WriteBoolean(value);
        }
    }
}
