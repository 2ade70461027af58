using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Enclave.Tests.Simulation;

/// <summary>Reads Intel's SGX PCK extension back with AsnReader: the OIDs in order and their values.</summary>
internal static class SgxExtensionReader
{
    public const string Oid = "1.2.840.113741.1.13.1";

    public static List<(string Oid, object Value)> Read(X509Certificate2 certificate)
    {
        X509Extension extension = certificate.Extensions[Oid] ?? throw new InvalidOperationException("no SGX extension");
        Assert.False(extension.Critical);
        var entries = new List<(string, object)>();
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        ReadSequence(reader.ReadSequence(), entries);
        Assert.False(reader.HasData);
        return entries;
    }

    private static void ReadSequence(AsnReader sequence, List<(string, object)> entries)
    {
        while (sequence.HasData)
        {
            AsnReader entry = sequence.ReadSequence();
            string oid = entry.ReadObjectIdentifier();
            Asn1Tag tag = entry.PeekTag();
            if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
            {
                entries.Add((oid, "SEQUENCE"));
                ReadSequence(entry.ReadSequence(), entries);
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.Integer))
            {
                entries.Add((oid, (int)entry.ReadInteger()));
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                entries.Add((oid, Convert.ToHexStringLower(entry.ReadOctetString())));
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.Enumerated))
            {
                entries.Add((oid, "ENUM:" + entry.ReadEnumeratedBytes().ToArray()[0]));
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.Boolean))
            {
                entries.Add((oid, entry.ReadBoolean()));
            }
            else
            {
                throw new InvalidOperationException($"unexpected tag {tag} under {oid}");
            }

            Assert.False(entry.HasData);
        }
    }
}
