using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.Pck;

public sealed class PckCertificateChainTests
{
    private static readonly PckCertificateChain Real = Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain;

    [Fact]
    public void Pem_round_trips_through_parse_and_keeps_the_der_bytes()
    {
        PckCertificateChain chain = PckCertificateChain.Parse(Real.Pem + "\0");

        Assert.Equal(Real.LeafDer.ToArray(), chain.LeafDer.ToArray());
        Assert.Equal(Real.IntermediateDer.ToArray(), chain.IntermediateDer.ToArray());
        Assert.Equal(Real.RootDer.ToArray(), chain.RootDer.ToArray());
        Assert.Equal(Real.Leaf.RawData, chain.LeafDer.ToArray());
    }

    [Fact]
    public void Crlf_line_endings_and_surrounding_whitespace_are_accepted()
    {
        string pem = "\r\n  " + Real.Pem.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\t\0\0";

        Assert.Equal(Real.RootDer.ToArray(), PckCertificateChain.Parse(pem).RootDer.ToArray());
    }

    [Theory]
    [InlineData(64)]
    [InlineData(76)]
    [InlineData(60)]
    public void Any_line_length_and_stray_spaces_inside_lines_decode_the_same(int lineLength)
    {
        static string Wrap(ReadOnlyMemory<byte> der, int width)
        {
            string base64 = Convert.ToBase64String(der.Span);
            var lines = Enumerable.Range(0, (base64.Length + width - 1) / width).Select(i => base64.Substring(i * width, Math.Min(width, base64.Length - (i * width))));
            // A space inside the second line: the 64-character fast path must still decode correctly.
            string body = string.Join("\n", lines.Select((l, i) => i == 1 ? l[..10] + " " + l[10..] : l));
            return $"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n";
        }

        PckCertificateChain chain = PckCertificateChain.Parse(Wrap(Real.LeafDer, lineLength) + Wrap(Real.IntermediateDer, lineLength) + Wrap(Real.RootDer, lineLength));

        Assert.Equal(Real.LeafDer.ToArray(), chain.LeafDer.ToArray());
        Assert.Equal(Real.RootDer.ToArray(), chain.RootDer.ToArray());
    }

    [Fact]
    public void Automata_pck_chain_file_parses_with_the_platform_ca()
    {
        PckCertificateChain chain = PckCertificateChain.Parse(File.ReadAllText(TestPaths.TestData("dcap", "automata-dcap-rs", "pck_certchain.pem")));

        Assert.Equal(PckCaType.Platform, chain.CaType);
        Assert.Contains("Intel SGX Root CA", chain.Root.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("junk\n{0}{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("{0}junk\n{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("{0}{1}{2}junk", AttestationFormatErrorReason.InvalidCertificationData)]
    [InlineData("{0}{1}{2}{2}", AttestationFormatErrorReason.InvalidCertificationData)]
    [InlineData("{0}{1}", AttestationFormatErrorReason.InvalidCertificationData)]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\nMII=B\n-----END CERTIFICATE-----\n{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\nAgEF\n-----END CERTIFICATE-----\n{1}{2}", AttestationFormatErrorReason.InvalidCertificate)]
    [InlineData("{0}\u00e9{1}{2}", AttestationFormatErrorReason.InvalidPem)]
    public void Malformed_chains_are_typed_errors(string template, AttestationFormatErrorReason reason)
    {
        string pem = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Block(Real.LeafDer), Block(Real.IntermediateDer), Block(Real.RootDer));

        var ex = Assert.Throws<AttestationFormatException>(() => PckCertificateChain.Parse(pem));

        Assert.Equal(reason, ex.Reason);
        Assert.NotNull(ex.Offset);
    }

    [Fact]
    public void Decoded_certificates_are_cached()
    {
        PckCertificateChain chain = PckCertificateChain.Parse(Real.Pem);

        Assert.Same(chain.Leaf, chain.Leaf);
        Assert.Same(chain.Extensions, chain.Extensions);
        Assert.Equal(chain.CaType, chain.CaType);
    }

    private static string Block(ReadOnlyMemory<byte> der) =>
        $"-----BEGIN CERTIFICATE-----\n{Convert.ToBase64String(der.Span, Base64FormattingOptions.InsertLineBreaks)}\n-----END CERTIFICATE-----\n";
}
