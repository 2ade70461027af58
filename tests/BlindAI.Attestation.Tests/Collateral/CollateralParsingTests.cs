using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class CollateralParsingTests
{
    [Fact]
    public void Sgx_bundle_gives_tcb_info_v3_and_qe_identity_with_their_exact_signed_bytes()
    {
        var bytes = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var collateral = DcapQvlCollateralJson.Parse(bytes);

        var tcb = collateral.TcbInfo;
        Assert.Equal(TcbInfoId.Sgx, tcb.Id);
        Assert.Equal(3, tcb.Version);
        Assert.Equal("00a067110000", tcb.FmspcHex);
        Assert.Equal([0, 0], tcb.PceId.ToArray());
        Assert.Equal(17, tcb.TcbEvaluationDataNumber);
        Assert.Equal(DateTimeOffset.Parse("2025-06-19T10:56:11Z"), tcb.IssueDate);
        Assert.Equal(DateTimeOffset.Parse("2025-07-19T10:56:11Z"), tcb.NextUpdate);
        Assert.Null(tcb.TdxModule);
        Assert.All(tcb.TcbLevels, level => Assert.Equal(TcbLevel.ComponentCount, level.SgxComponents.Length));
        Assert.All(tcb.TcbLevels, level => Assert.Empty(level.TdxComponents));
        Assert.Equal(Encoding.UTF8.GetBytes(CollateralVectors.BundleMember(bytes, "tcb_info")), tcb.RawJson.ToArray());

        var qe = collateral.QeIdentity;
        Assert.Equal(EnclaveIdentityId.Qe, qe.Id);
        Assert.Equal(1, qe.IsvProdId);
        Assert.Equal(0u, qe.MiscSelect);
        Assert.Equal(0xFFFFFFFFu, qe.MiscSelectMask);
        Assert.Equal("8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff", Convert.ToHexStringLower(qe.MrSigner.AsSpan()));
        Assert.Equal("fbffffffffffffff0000000000000000", Convert.ToHexStringLower(qe.AttributesMask.AsSpan()));
        Assert.Equal([8, 6, 5, 4, 2, 1], qe.TcbLevels.Select(l => (int)l.IsvSvn));
        Assert.Equal(["INTEL-SA-00477", "INTEL-SA-00615"], qe.TcbLevels[2].AdvisoryIds.ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes(CollateralVectors.BundleMember(bytes, "qe_identity")), qe.RawJson.ToArray());

        Assert.Equal(64, collateral.TcbInfoSignature.Length);
        Assert.Equal(2, collateral.TcbInfoIssuerChain.Certificates.Length);
        Assert.Contains("Intel SGX TCB Signing", collateral.TcbInfoIssuerChain.Certificates[0].Subject, StringComparison.Ordinal);
        Assert.Contains("Intel SGX PCK Processor CA", collateral.PckCrl.Issuer.Name, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1752919278), collateral.NextUpdate);
    }

    [Fact]
    public void Sgx_tcb_levels_carry_status_and_advisories()
    {
        var tcb = CollateralVectors.SgxBundle().TcbInfo;
        var first = tcb.TcbLevels[0];
        Assert.Equal(TcbStatus.SWHardeningNeeded, first.TcbStatus);
        Assert.Equal([11, 11, 2, 2, 255, 1, 12, 0], first.SgxComponents.Take(8).Select(c => (int)c.Svn));
        Assert.Equal(11, tcb.TcbLevels.Length);
        Assert.Contains(tcb.TcbLevels, l => l.TcbStatus == TcbStatus.ConfigurationAndSWHardeningNeeded && l.AdvisoryIds.SequenceEqual(["INTEL-SA-00289", "INTEL-SA-00615"]));
    }

    [Fact]
    public void Tdx_tcb_info_has_tdx_components_module_and_module_identities()
    {
        var tcb = CollateralVectors.TdxOutdatedBundle().TcbInfo;
        Assert.Equal(TcbInfoId.Tdx, tcb.Id);
        Assert.Equal("90c06f000000", tcb.FmspcHex);
        Assert.Equal(18, tcb.TcbEvaluationDataNumber);
        Assert.NotNull(tcb.TdxModule);
        Assert.Equal(48, tcb.TdxModule.MrSigner.Length);
        Assert.Equal("ffffffffffffffff", Convert.ToHexStringLower(tcb.TdxModule.AttributesMask.AsSpan()));
        Assert.Equal(["TDX_03", "TDX_01"], tcb.TdxModuleIdentities.Select(m => m.Id));
        Assert.Equal([6, 4, 2], tcb.TdxModuleIdentities[1].TcbLevels.Select(l => (int)l.IsvSvn));
        Assert.Equal(["INTEL-SA-01036", "INTEL-SA-01099"], tcb.TdxModuleIdentities[1].TcbLevels[1].AdvisoryIds.ToArray());
        var level = tcb.TcbLevels[0];
        Assert.Equal(TcbLevel.ComponentCount, level.TdxComponents.Length);
        Assert.Equal(new TcbComponent(5, "OS/VMM", "TDX Module"), level.TdxComponents[0]);
        Assert.Equal(new TcbComponent(5, "OS/VMM", "SEAMLDR ACM"), level.SgxComponents[7]);
        Assert.Equal(EnclaveIdentityId.TdQe, CollateralVectors.TdxOutdatedBundle().QeIdentity.Id);
    }

    [Fact]
    public void Tcb_info_v2_from_a_raw_pcs_body_keeps_the_exact_inner_object()
    {
        var body = CollateralVectors.AutomataText("tcbinfov2.json");
        var collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses());

        var tcb = collateral.TcbInfo;
        Assert.Equal(TcbInfoId.Sgx, tcb.Id);
        Assert.Equal(2, tcb.Version);
        Assert.Equal("00606a000000", tcb.FmspcHex);
        Assert.All(tcb.TcbLevels, l => Assert.Empty(l.AdvisoryIds));
        Assert.Equal([14, 14, 3, 3, 255, 255, 1, 0], tcb.TcbLevels[0].SgxComponents.Take(8).Select(c => (int)c.Svn));
        Assert.Equal(13, tcb.TcbLevels[0].PceSvn);

        var start = body.IndexOf("{\"version\"", StringComparison.Ordinal);
        var end = body.LastIndexOf(",\"signature\"", StringComparison.Ordinal);
        Assert.Equal(body[start..end], Encoding.UTF8.GetString(tcb.RawJson.Span));
        Assert.Equal(2, collateral.PckCrlIssuerChain.Certificates.Length);
        Assert.Equal(44, collateral.PckCrl.RevokedSerialNumbers.Length);
    }

    [Fact]
    public void Tcb_levels_are_ordered_highest_first_whatever_the_document_order()
    {
        var tcb = CollateralVectors.SgxBundle().TcbInfo;
        var node = System.Text.Json.Nodes.JsonNode.Parse(tcb.RawJson.Span)!.AsObject();
        var levels = node["tcbLevels"]!.AsArray();
        var reversed = levels.Reverse().Select(l => l!.DeepClone()).ToArray();
        levels.Clear();
        foreach (var level in reversed)
        {
            levels.Add(level);
        }

        var shuffled = TcbInfo.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()));

        Assert.Equal(tcb.TcbLevels.Select(l => (l.TcbDate, l.TcbStatus, l.PceSvn)), shuffled.TcbLevels.Select(l => (l.TcbDate, l.TcbStatus, l.PceSvn)));
    }

    [Fact]
    public void Issuer_chains_read_from_plain_and_percent_encoded_pem_agree()
    {
        var pem = CollateralVectors.AutomataText("tcb_signing_cert.pem");
        var plain = CertificateChain.Parse(pem);
        var encoded = CertificateChain.Parse(Uri.EscapeDataString(pem));
        var withNul = CertificateChain.Parse(pem + "\0");

        Assert.Equal(plain.Certificates.Select(c => c.Thumbprint), encoded.Certificates.Select(c => c.Thumbprint));
        Assert.Equal(plain.Certificates.Select(c => c.Thumbprint), withNul.Certificates.Select(c => c.Thumbprint));
        Assert.Equal(plain.Certificates.Select(c => c.Thumbprint), CertificateChain.Parse(plain.ToPem()).Certificates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Crls_read_from_der_pem_and_hex_agree()
    {
        var der = CollateralVectors.Automata("pck_platform_crl.der");
        var pem = Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", der));
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(der) + "\n");

        foreach (var input in new[] { der, pem, hex })
        {
            var crl = RevocationList.Parse(input);
            Assert.Equal(der, crl.Der.ToArray());
            Assert.Equal(DateTimeOffset.Parse("2025-03-15T03:40:28Z"), crl.NextUpdate);
            Assert.Contains("6fc34e5023e728923435d61aa4b83c618166ad35", crl.RevokedSerialNumbers);
        }
    }

    [Fact]
    public void Crl_lookup_finds_a_listed_serial_number()
    {
        var crl = RevocationList.Parse(CollateralVectors.Automata("pck_platform_crl.der"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        using var listed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), Convert.FromHexString("6FC34E5023E728923435D61AA4B83C618166AD35"));
        using var other = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), [0x01, 0x02]);

        Assert.True(crl.IsRevoked(listed));
        Assert.False(crl.IsRevoked(other));
    }

    [Fact]
    public void Der_encoded_collateral_signatures_are_accepted_as_r_and_s()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var raw = Convert.FromHexString(CollateralVectors.BundleMember(bundle, "tcb_info_signature"));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(raw.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(raw.AsSpan(32, 32));
        }

        var collateral = DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, "tcb_info_signature", Convert.ToHexString(writer.Encode())));

        Assert.Equal(raw, collateral.TcbInfoSignature.ToArray());
    }

    [Theory]
    [InlineData("sgx_quote_collateral.json")]
    [InlineData("tdx_quote_collateral.json")]
    [InlineData("tdx_quote_outdated_collateral.json")]
    public void Written_bundles_read_back_with_identical_signed_bytes(string name)
    {
        var original = DcapQvlCollateralJson.Parse(CollateralVectors.PhalaBundleBytes(name));

        var copy = DcapQvlCollateralJson.Parse(DcapQvlCollateralJson.Serialize(original));

        Assert.Equal(original.TcbInfo.RawJson.ToArray(), copy.TcbInfo.RawJson.ToArray());
        Assert.Equal(original.QeIdentity.RawJson.ToArray(), copy.QeIdentity.RawJson.ToArray());
        Assert.Equal(original.TcbInfoSignature.ToArray(), copy.TcbInfoSignature.ToArray());
        Assert.Equal(original.QeIdentitySignature.ToArray(), copy.QeIdentitySignature.ToArray());
        Assert.Equal(original.PckCrl.Der.ToArray(), copy.PckCrl.Der.ToArray());
        Assert.Equal(original.RootCaCrl.Der.ToArray(), copy.RootCaCrl.Der.ToArray());
        Assert.Equal(original.PckCrlIssuerChain.Certificates.Select(c => c.Thumbprint), copy.PckCrlIssuerChain.Certificates.Select(c => c.Thumbprint));
    }
}
