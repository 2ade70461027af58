namespace BlindAI.Attestation.Tests;

public sealed class MeasurementTests
{
    [Theory]
    [InlineData("00a067110000", "00a067110000")]
    [InlineData("0x00A067110000", "00a067110000")]
    [InlineData("ABCDEF", "abcdef")]
    [InlineData("", "")]
    public void Parse_accepts_either_case_and_an_optional_prefix_and_formats_lowercase(string text, string expected)
    {
        Assert.Equal(expected, Measurement.Parse(text).ToString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz")]
    [InlineData("0x0")]
    [InlineData("00 11")]
    [InlineData(null)]
    public void TryParse_rejects_text_that_is_not_whole_hex_bytes(string? text)
    {
        Assert.False(Measurement.TryParse(text, out _));
    }

    [Fact]
    public void Parse_of_invalid_text_raises_a_typed_encoding_error()
    {
        var ex = Assert.Throws<AttestationFormatException>(() => Measurement.Parse("xyz0"));

        Assert.Equal(AttestationFormatErrorReason.InvalidEncoding, ex.Reason);
    }

    [Fact]
    public void Equality_compares_bytes_and_length()
    {
        Measurement a = Measurement.Parse("0102");
        Measurement b = Measurement.FromBytes([1, 2]);

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != Measurement.Parse("0103"));
        Assert.True(a != Measurement.Parse("010200"));
        Assert.True(a.Equals([1, 2]));
        Assert.False(a.Equals((object)"0102"));
    }

    [Fact]
    public void FromBytes_copies_its_input()
    {
        byte[] bytes = [1, 2, 3];
        Measurement m = Measurement.FromBytes(bytes);
        bytes[0] = 9;

        Assert.Equal("010203", m.ToString());
    }

    [Fact]
    public void IsZero_is_true_only_for_all_zero_bytes()
    {
        Assert.True(Measurement.Parse("0000").IsZero);
        Assert.False(Measurement.Parse("0001").IsZero);
        Assert.True(default(Measurement).IsZero);
    }
}
