using System.Text;
using BlindAI.Cli.Input;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Input;

public sealed class BinaryInputTests
{
    private static readonly byte[] Sample = [0x03, 0x00, 0x02, 0x00, 0xff, 0x10];

    [Fact]
    public void Binary_input_is_returned_unchanged()
    {
        Assert.Same(Sample, BinaryInput.Decode(Sample));
    }

    [Theory]
    [InlineData("03000200ff10")]
    [InlineData("0x03000200FF10")]
    [InlineData("0300 0200\nff10\n")]
    [InlineData("AwACAP8Q")]
    [InlineData("AwACAP8Q\n")]
    public void Text_encodings_are_decoded(string text)
    {
        Assert.Equal(Sample, BinaryInput.Decode(Encoding.ASCII.GetBytes(text)));
    }

    [Theory]
    [InlineData("0xZZ")]
    [InlineData("not a quote at all!")]
    [InlineData("   ")]
    public void Text_that_is_no_known_encoding_is_an_input_error(string text)
    {
        Assert.Throws<InvalidDataException>(() => BinaryInput.Decode(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public async Task Real_hex_quote_files_decode_to_the_binary_quote()
    {
        // tdx-quote.hex is 0x-prefixed, quote-from-tappd.hex is plain hex: both hold a TDX v4 quote.
        byte[] prefixed = await BinaryInput.ReadFileAsync(TestPaths.TestData("dcap", "phala-dcap-qvl", "tdx-quote.hex"), CancellationToken.None);
        byte[] plain = await BinaryInput.ReadFileAsync(TestPaths.TestData("dcap", "phala-dcap-qvl", "quote-from-tappd.hex"), CancellationToken.None);

        Assert.Equal([0x04, 0x00], prefixed[..2]);
        Assert.Equal([0x04, 0x00], plain[..2]);
        Assert.Equal(0x81, prefixed[4]);
    }
}
