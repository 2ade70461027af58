using System.Buffers.Binary;
using System.Text;

using BlindAI.Attestation.Quotes;
using BlindAI.Testing;

using static BlindAI.Attestation.Tests.Quotes.RustDebugSnapshot;

using static BlindAI.Attestation.Tests.Quotes.LittleEndian;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>
/// The parser agrees with dcap-qvl's own parse of the same quotes: every field of the insta snapshots
/// (read from the .snap files, never copied) is compared with the value this parser exposes.
/// </summary>
public sealed class QuoteSnapshotTests
{
    [Fact]
    public void Sgx_v3_quote_matches_the_dcap_qvl_snapshot_field_for_field()
    {
        Quote quote = Quote.Parse(QuoteVectors.SgxV3);
        Node snapshot = Load(TestPaths.TestData("dcap", "phala-dcap-qvl", "verify_quote__could_parse_sgx_quote.snap"));

        int compared = AssertMatches(snapshot, ToDebugTree(quote), "quote");

        Assert.True(compared > 20, $"Only {compared} leaf fields compared.");
    }

    [Fact]
    public void Tdx_v4_quote_matches_the_dcap_qvl_snapshot_field_for_field()
    {
        Quote quote = Quote.Parse(QuoteVectors.TdxV4);
        Node snapshot = Load(TestPaths.TestData("dcap", "phala-dcap-qvl", "verify_quote__could_parse_tdx_quote.snap"));

        int compared = AssertMatches(snapshot, ToDebugTree(quote), "quote");

        Assert.True(compared > 25, $"Only {compared} leaf fields compared.");
    }

    [Fact]
    public void Snapshot_comparison_detects_a_differing_field()
    {
        // Guards against a comparison that cannot fail: the SGX snapshot must not match the TDX quote.
        Node snapshot = Load(TestPaths.TestData("dcap", "phala-dcap-qvl", "verify_quote__could_parse_sgx_quote.snap"));

        Assert.ThrowsAny<Exception>(() => AssertMatches(snapshot, ToDebugTree(Quote.Parse(QuoteVectors.TdxV4)), "quote"));
    }

    private sealed record Variant(string Name, object Payload);

    private sealed record Unit(string Name);

    /// <summary>The parsed quote in dcap-qvl's field names, built from this parser's public API.</summary>
    private static Dictionary<string, object> ToDebugTree(Quote quote)
    {
        QuoteHeader h = quote.Header;
        var header = new Dictionary<string, object>
        {
            ["version"] = (ulong)h.Version,
            ["attestation_key_type"] = (ulong)h.AttestationKeyType,
            ["tee_type"] = (ulong)h.TeeType,
            ["qe_svn"] = (ulong)h.QeSvn,
            ["pce_svn"] = (ulong)h.PceSvn,
            ["qe_vendor_id"] = h.QeVendorId.ToArray(),
            ["user_data"] = h.UserData.ToArray(),
        };

        object report = quote.SgxReport is { } sgx
            ? new Variant("SgxEnclave", EnclaveReport(sgx))
            : new Variant(quote.TdReport!.BodyType == QuoteBodyType.TdReport10 ? "TD10" : "TD15", TdReport(quote.TdReport));

        QuoteSignatureData s = quote.SignatureData;
        var pckCertificationData = new Dictionary<string, object>
        {
            ["cert_type"] = 5UL,
            ["body"] = Encoding.UTF8.GetString(QeCertificationDataBody(quote)),
        };
        var qeAuthData = new Dictionary<string, object>
        {
            ["data"] = s.QeAuthenticationData.Data.ToArray(),
            ["_marker"] = new Unit("PhantomData<u16>"),
        };
        object authData = quote.Version == 3
            ? new Variant("V3", new Dictionary<string, object>
            {
                ["ecdsa_signature"] = s.Signature.Raw.ToArray(),
                ["ecdsa_attestation_key"] = s.AttestationKey.Raw.ToArray(),
                ["qe_report"] = s.QeReport.Raw.ToArray(),
                ["qe_report_signature"] = s.QeReportSignature.Raw.ToArray(),
                ["qe_auth_data"] = qeAuthData,
                ["certification_data"] = pckCertificationData,
            })
            : new Variant("V4", new Dictionary<string, object>
            {
                ["ecdsa_signature"] = s.Signature.Raw.ToArray(),
                ["ecdsa_attestation_key"] = s.AttestationKey.Raw.ToArray(),
                ["certification_data"] = new Dictionary<string, object>
                {
                    ["cert_type"] = (ulong)s.CertificationDataType,
                    ["body"] = Encoding.UTF8.GetString(s.CertificationData.Span),
                },
                ["qe_report_data"] = new Dictionary<string, object>
                {
                    ["qe_report"] = s.QeReport.Raw.ToArray(),
                    ["qe_report_signature"] = s.QeReportSignature.Raw.ToArray(),
                    ["qe_auth_data"] = qeAuthData,
                    ["certification_data"] = pckCertificationData,
                },
            });

        return new Dictionary<string, object> { ["header"] = header, ["report"] = report, ["auth_data"] = authData };
    }

    private static Dictionary<string, object> EnclaveReport(SgxReportBody r)
    {
        // dcap-qvl folds the reserved areas and the fields it does not name into reserved1..4.
        byte[] raw = r.Raw.ToArray();
        return new Dictionary<string, object>
        {
            ["cpu_svn"] = r.CpuSvn.ToArray(),
            ["misc_select"] = (ulong)r.MiscSelect,
            ["reserved1"] = raw[20..32].Concat(r.IsvExtProdId.ToArray()).ToArray(),
            ["attributes"] = r.Attributes.ToArray(),
            ["mr_enclave"] = r.MrEnclave.ToArray(),
            ["reserved2"] = raw[96..128],
            ["mr_signer"] = r.MrSigner.ToArray(),
            ["reserved3"] = raw[160..192].Concat(r.ConfigId.ToArray()).ToArray(),
            ["isv_prod_id"] = (ulong)r.IsvProdId,
            ["isv_svn"] = (ulong)r.IsvSvn,
            ["reserved4"] = U16(r.ConfigSvn).Concat(raw[262..304]).Concat(r.IsvFamilyId.ToArray()).ToArray(),
            ["report_data"] = r.ReportData.ToArray(),
        };
    }

    private static Dictionary<string, object> TdReport(TdReportBody r)
    {
        var fields = new Dictionary<string, object>
        {
            ["tee_tcb_svn"] = r.TeeTcbSvn.ToArray(),
            ["mr_seam"] = r.MrSeam.ToArray(),
            ["mr_signer_seam"] = r.MrSignerSeam.ToArray(),
            ["seam_attributes"] = U64(r.SeamAttributes),
            ["td_attributes"] = U64(r.TdAttributes),
            ["xfam"] = U64(r.Xfam),
            ["mr_td"] = r.MrTd.ToArray(),
            ["mr_config_id"] = r.MrConfigId.ToArray(),
            ["mr_owner"] = r.MrOwner.ToArray(),
            ["mr_owner_config"] = r.MrOwnerConfig.ToArray(),
            ["rt_mr0"] = r.Rtmr0.ToArray(),
            ["rt_mr1"] = r.Rtmr1.ToArray(),
            ["rt_mr2"] = r.Rtmr2.ToArray(),
            ["rt_mr3"] = r.Rtmr3.ToArray(),
            ["report_data"] = r.ReportData.ToArray(),
        };
        return fields;
    }

    /// <summary>The type-5 certification data body exactly as the quote holds it (PEM plus its NUL terminator).</summary>
    private static byte[] QeCertificationDataBody(Quote quote)
    {
        QuoteSignatureData s = quote.SignatureData;
        if (s.CertificationDataType == CertificationDataType.PckCertificateChain)
        {
            return s.CertificationData.ToArray();
        }

        // Inside type 6: QE report, its signature, u16 auth length + data, u16 type, u32 size, body.
        ReadOnlySpan<byte> outer = s.CertificationData.Span;
        int offset = 384 + 64 + 2 + s.QeAuthenticationData.Data.Length;
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(outer[offset..]));
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(outer[(offset + 2)..]);
        return outer.Slice(offset + 6, size).ToArray();
    }

    /// <summary>Compares a snapshot node with the actual tree; returns the number of leaf values compared.</summary>
    private static int AssertMatches(Node expected, object actual, string path)
    {
        switch (expected)
        {
            case StructNode s:
                var fields = Assert.IsType<Dictionary<string, object>>(actual, exactMatch: false);
                Assert.True(
                    s.Fields.Select(f => f.Key).Order().SequenceEqual(fields.Keys.Order()),
                    $"{path}: snapshot fields [{string.Join(", ", s.Fields.Select(f => f.Key))}] differ from compared fields [{string.Join(", ", fields.Keys)}].");
                return s.Fields.Sum(f => AssertMatches(f.Value, fields[f.Key], $"{path}.{f.Key}"));
            case TupleNode t:
                var variant = Assert.IsType<Variant>(actual);
                Assert.True(t.Name == variant.Name, $"{path}: variant {variant.Name}, snapshot {t.Name}.");
                return AssertMatches(Assert.Single(t.Items), variant.Payload, $"{path}({t.Name})");
            case ArrayNode a:
                Assert.True(a.ToBytes().AsSpan().SequenceEqual(Assert.IsType<byte[]>(actual)), $"{path}: bytes differ.");
                return 1;
            case NumberNode n:
                Assert.True(n.Value == Assert.IsType<ulong>(actual), $"{path}: {actual}, snapshot {n.Value}.");
                return 1;
            case StringNode str:
                Assert.True(str.Value == Assert.IsType<string>(actual), $"{path}: strings differ.");
                return 1;
            case UnitNode u:
                Assert.Equal(u.Name, Assert.IsType<Unit>(actual).Name);
                return 0;
            default:
                throw new InvalidOperationException($"{path}: unexpected snapshot node {expected}.");
        }
    }
}
