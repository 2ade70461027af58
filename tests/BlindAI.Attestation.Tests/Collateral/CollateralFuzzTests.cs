using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>Random multi-byte corruption of real inputs: parsers answer with a typed error or a value, never another exception.</summary>
public sealed class CollateralFuzzTests
{
    private static IEnumerable<byte[]> Corruptions(byte[] original, int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var copy = (byte[])original.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            yield return random.Next(4) == 0 ? copy[..random.Next(copy.Length)] : copy;
        }
    }

    [Fact]
    public void Corrupted_bundles_never_throw_from_try_parse()
    {
        foreach (var input in Corruptions(CollateralVectors.PhalaBundleBytes("tdx_quote_outdated_collateral.json"), 400, 1))
        {
            if (DcapQvlCollateralJson.TryParse(input, out var collateral, out var error))
            {
                try
                {
                    new CollateralVerifier(TrustAnchor.IntelSgxRootCa).Verify(collateral, CollateralVectors.TdxOutdatedNow);
                }
                catch (AttestationException)
                {
                }
            }
            else
            {
                Assert.NotNull(error);
            }
        }
    }

    [Fact]
    public void Corrupted_crls_and_certificates_never_throw_from_try_parse()
    {
        foreach (var input in Corruptions(CollateralVectors.Automata("pck_platform_crl.der"), 1500, 2))
        {
            RevocationList.TryParse(input, out _, out _);
        }

        var pem = CollateralVectors.AutomataText("pck_certchain.pem");
        var der = CertificateChain.Parse(pem).DerCertificates[0].ToArray();
        foreach (var input in Corruptions(der, 1500, 3))
        {
            if (CertificateChain.TryParse(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", input), out var chain, out _))
            {
                try
                {
                    // .NET objects are created lazily; the platform decoder may refuse what the strict DER reader took
                    // (for example a malformed string inside a name): that too must be a typed error.
                    Assert.NotEmpty(chain.Certificates);
                }
                catch (AttestationFormatException e)
                {
                    Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, e.Reason);
                }
            }
        }
    }

    [Fact]
    public void Corrupted_pcs_bodies_never_throw_from_parsing()
    {
        var responses = CollateralVectors.AutomataTdxResponses();
        foreach (var input in Corruptions(responses.TcbInfoBody.ToArray(), 800, 4))
        {
            try
            {
                QuoteCollateral.FromPcsResponses(responses with { TcbInfoBody = input });
            }
            catch (AttestationFormatException)
            {
            }
        }
    }
}
