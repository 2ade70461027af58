using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;
using CsCheck;

namespace BlindAI.Attestation.Tests.Properties;

/// <summary>
/// Random flips, insertions, deletions and truncations (up to four at once, CsCheck with shrinking) of real Intel
/// quotes are never accepted by full verification against their own collateral, and fail only with
/// <see cref="AttestationFormatException"/> or <see cref="AttestationException"/>. The one exception is the PEM text of
/// the PCK chain in the certification data, which no signature covers (the chain is checked to Intel's root instead):
/// an edit there that decodes to the same certificates (whitespace) may pass, so an accepted mutation must carry
/// exactly the original signed region, signatures, attestation key, QE report, QE authentication data and PCK chain
/// DER. The single-byte sweep
/// (<c>QuoteMutationSweepTests</c>) covers one flip per offset; this covers length-changing and combined edits and the
/// automata vectors (TCB Info v2, padded TDX quote).
/// </summary>
public sealed class QuoteMutationPropertyTests
{
    public static TheoryData<string> Vectors => ["sgx_quote", "tdx_quote", "automata_sgx_v3", "automata_tdx_v4_padded"];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Mutated_real_quotes_are_never_accepted_and_fail_only_with_typed_errors(string name)
    {
        (byte[] original, QuoteCollateral collateral, DateTimeOffset now) = name switch
        {
            "sgx_quote" => (QuoteVectors.SgxV3, CollateralVectors.SgxBundle(), CollateralVectors.SgxNow),
            "tdx_quote" => (QuoteVectors.TdxV4, CollateralVectors.TdxBundle(), CollateralVectors.TdxNow),
            "automata_sgx_v3" => (QuoteVectors.AutomataSgxV3, QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses()), CollateralVectors.AutomataNow),
            _ => (QuoteVectors.AutomataTdxV4Padded, QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataTdxResponses()), CollateralVectors.AutomataNow),
        };
        var verifier = new DcapQuoteVerifier();
        verifier.Verify(Quote.Parse(original), collateral, now); // the real quote verifies
        int length = Quote.Parse(original).Bytes.Length;

        ByteMutation.Edits.Sample(edits =>
        {
            byte[]? mutated = ByteMutation.Apply(original, length, edits);
            if (mutated is null)
            {
                return;
            }

            try
            {
                Quote accepted = Quote.Parse(mutated);
                verifier.Verify(accepted, collateral, now);
                AssertSameEvidence(Quote.Parse(original), accepted);
            }
            catch (AttestationFormatException)
            {
            }
            catch (AttestationException)
            {
            }
        }, iter: 1500);
    }

    private static void AssertSameEvidence(Quote expected, Quote actual)
    {
        QuoteSignatureData e = expected.SignatureData;
        QuoteSignatureData a = actual.SignatureData;
        Assert.Equal(expected.SignedRegion.ToArray(), actual.SignedRegion.ToArray());
        Assert.Equal(e.Signature.Raw.ToArray(), a.Signature.Raw.ToArray());
        Assert.Equal(e.AttestationKey.Raw.ToArray(), a.AttestationKey.Raw.ToArray());
        Assert.Equal(e.QeReport.Raw.ToArray(), a.QeReport.Raw.ToArray());
        Assert.Equal(e.QeReportSignature.Raw.ToArray(), a.QeReportSignature.Raw.ToArray());
        Assert.Equal(e.QeAuthenticationData.Data.ToArray(), a.QeAuthenticationData.Data.ToArray());
        Assert.Equal(e.PckCertificateChain.LeafDer.ToArray(), a.PckCertificateChain.LeafDer.ToArray());
        Assert.Equal(e.PckCertificateChain.IntermediateDer.ToArray(), a.PckCertificateChain.IntermediateDer.ToArray());
        Assert.Equal(e.PckCertificateChain.RootDer.ToArray(), a.PckCertificateChain.RootDer.ToArray());
    }
}
