using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Verification;

/// <summary>
/// Flipping any single byte of the signed region or of the signature data of a real quote is always rejected
/// with a typed error: never accepted, never an untyped exception.
/// </summary>
public sealed class QuoteMutationSweepTests
{
    public static TheoryData<string> Vectors => ["sgx_quote", "tdx_quote"];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_single_byte_flip_is_rejected_with_a_typed_error(string name)
    {
        (byte[] original, QuoteCollateral collateral, DateTimeOffset now) = name switch
        {
            "sgx_quote" => (QuoteVectors.SgxV3, CollateralVectors.SgxBundle(), CollateralVectors.SgxNow),
            _ => (QuoteVectors.TdxV4, CollateralVectors.TdxBundle(), CollateralVectors.TdxNow),
        };
        var verifier = new DcapQuoteVerifier();
        int length = Quote.Parse(original).Bytes.Length;
        verifier.Verify(Quote.Parse(original), collateral, now); // the unmutated quote verifies

        var accepted = new List<int>();
        var untyped = new List<string>();
        for (int offset = 0; offset < length; offset++)
        {
            byte[] mutated = (byte[])original.Clone();
            mutated[offset] ^= 0xff;
            try
            {
                verifier.Verify(Quote.Parse(mutated), collateral, now);
                accepted.Add(offset);
            }
            catch (AttestationFormatException)
            {
            }
            catch (AttestationException)
            {
            }
            catch (Exception ex)
            {
                untyped.Add($"{offset}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(accepted.Count == 0, $"Accepted mutations at offsets {string.Join(", ", accepted.Take(20))}");
        Assert.True(untyped.Count == 0, string.Join(Environment.NewLine, untyped.Take(20)));
    }
}
