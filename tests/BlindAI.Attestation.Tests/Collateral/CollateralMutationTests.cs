using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>
/// Single-byte mutations of every signed or signing piece of real collateral: each one is rejected with a typed
/// format error or a typed attestation failure; never accepted, never another exception.
/// </summary>
public sealed class CollateralMutationTests
{
    private static readonly CollateralVerifier Intel = new(TrustAnchor.IntelSgxRootCa);

    public static TheoryData<string, int> Members => new()
    {
        { "tcb_info", 11 },
        { "qe_identity", 5 },
        { "root_ca_crl", 1 },
        { "pck_crl", 1 },
        { "tcb_info_issuer_chain", 3 },
        { "pck_crl_issuer_chain", 3 },
    };

    [Theory]
    [MemberData(nameof(Members))]
    public void Every_single_byte_mutation_is_rejected_with_a_typed_error(string member, int stride)
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var text = CollateralVectors.BundleMember(bundle, member);
        var isHex = member.EndsWith("crl", StringComparison.Ordinal);
        var isPem = member.EndsWith("chain", StringComparison.Ordinal);
        var bytes = isHex ? Convert.FromHexString(text) : isPem ? CertificateChain.Parse(text).DerCertificates.SelectMany(c => c.ToArray()).ToArray() : Encoding.UTF8.GetBytes(text);
        var accepted = new List<int>();

        for (var position = 0; position < bytes.Length; position += stride)
        {
            var mutated = (byte[])bytes.Clone();
            mutated[position] ^= isHex || isPem ? (byte)0x01 : (byte)0x02;
            var value = isHex ? Convert.ToHexString(mutated) : isPem ? Pem(mutated, text) : Encoding.Latin1.GetString(mutated);
            try
            {
                Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, member, value)), CollateralVectors.SgxNow);
                accepted.Add(position);
            }
            catch (AttestationFormatException)
            {
            }
            catch (AttestationException)
            {
            }
        }

        Assert.Empty(accepted);
    }

    /// <summary>Re-wraps the concatenated DER of a chain (same certificate lengths as the original) as PEM.</summary>
    private static string Pem(byte[] der, string originalPem)
    {
        var builder = new StringBuilder();
        var offset = 0;
        foreach (var certificate in CertificateChain.Parse(originalPem).DerCertificates)
        {
            builder.Append(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der.AsSpan(offset, certificate.Length))).Append('\n');
            offset += certificate.Length;
        }

        return builder.ToString();
    }
}
