using System.Security.Cryptography;
using System.Text;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;
using CsCheck;

namespace BlindAI.Attestation.Tests.Properties;

/// <summary>
/// Random edits of one collateral document of a real dcap-qvl bundle (the signed TCB Info or QE Identity JSON text,
/// the PCK or root CA CRL DER, the DER of one certificate of an issuer chain, or an issuer chain's PEM text) are never
/// accepted when the quote is verified with it, and fail only with typed errors. PEM text has free bytes (line breaks,
/// whitespace the decoder skips), so an edited chain text may pass only when it still decodes to the original
/// certificates or to a leading part of them: a chain cut short after a whole certificate has lost only issuers that
/// the pinned anchor stands in for (<c>Chains_without_the_root_still_verify_against_the_pinned_anchor</c>). <c>CollateralFuzzTests</c> checks that parsing stays typed; this
/// checks that nothing mutated gets through verification.
/// </summary>
public sealed class CollateralMutationPropertyTests
{
    private static readonly string[] JsonMembers = ["tcb_info", "qe_identity"];

    private static readonly string[] CrlMembers = ["pck_crl", "root_ca_crl"];

    private static readonly string[] ChainMembers = ["tcb_info_issuer_chain", "qe_identity_issuer_chain", "pck_crl_issuer_chain"];

    public static TheoryData<string> Bundles => ["sgx_quote", "tdx_quote"];

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Mutated_collateral_documents_are_never_accepted_and_fail_only_with_typed_errors(string name)
    {
        byte[] bundle = CollateralVectors.PhalaBundleBytes(name + "_collateral.json");
        Quote quote = Quote.Parse(name == "sgx_quote" ? QuoteVectors.SgxV3 : QuoteVectors.TdxV4);
        DateTimeOffset now = name == "sgx_quote" ? CollateralVectors.SgxNow : CollateralVectors.TdxNow;
        var verifier = new DcapQuoteVerifier();
        verifier.Verify(quote, DcapQvlCollateralJson.Parse(bundle), now); // the real collateral verifies

        string[] members = [.. JsonMembers, .. CrlMembers, .. ChainMembers];
        Gen.Select(Gen.Int[0, members.Length + ChainMembers.Length - 1], Gen.Int[0, 2], ByteMutation.Edits).Sample((target, certificate, edits) =>
        {
            bool pemText = target >= members.Length;
            string member = pemText ? ChainMembers[target - members.Length] : members[target];
            string original = CollateralVectors.BundleMember(bundle, member);
            string? value = pemText ? MutateText(original, edits) : Mutate(original, member, certificate, edits);
            if (value is null)
            {
                return;
            }

            try
            {
                verifier.Verify(quote, DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, member, value)), now);
                Assert.True(pemText, $"Mutated {member} was accepted: {string.Join(", ", edits.Select(e => e.ToString()))}");
                byte[][] accepted = Der(value);
                Assert.NotEmpty(accepted);
                Assert.Equal(Der(original).Take(accepted.Length), accepted);
            }
            catch (AttestationFormatException)
            {
            }
            catch (AttestationException)
            {
            }
        }, iter: 600);
    }

    private static string? MutateText(string original, ByteMutation[] edits)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(original);
        byte[]? mutated = ByteMutation.Apply(utf8, utf8.Length, edits);
        string? text = mutated is null ? null : Encoding.UTF8.GetString(mutated);
        return text == original ? null : text;
    }

    private static byte[][] Der(string pem) => [.. CertificateChain.Parse(pem).DerCertificates.Select(d => d.ToArray())];

    /// <summary>The member's new text: edited JSON bytes, edited CRL DER (hex), or a chain with one certificate's DER edited.</summary>
    private static string? Mutate(string original, string member, int certificate, ByteMutation[] edits)
    {
        if (JsonMembers.Contains(member))
        {
            return MutateText(original, edits);
        }

        if (CrlMembers.Contains(member))
        {
            byte[] der = Convert.FromHexString(original);
            byte[]? mutated = ByteMutation.Apply(der, der.Length, edits);
            return mutated is null ? null : Convert.ToHexStringLower(mutated);
        }

        List<byte[]> certificates = [.. CertificateChain.Parse(original).DerCertificates.Select(d => d.ToArray())];
        int index = certificate % certificates.Count;
        byte[]? edited = ByteMutation.Apply(certificates[index], certificates[index].Length, edits);
        if (edited is null)
        {
            return null;
        }

        certificates[index] = edited;
        return string.Concat(certificates.Select(c => PemEncoding.WriteString("CERTIFICATE", c) + "\n"));
    }
}
