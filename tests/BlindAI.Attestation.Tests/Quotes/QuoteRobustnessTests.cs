using System.Buffers.Binary;

using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>Malformed input of any kind is a typed <see cref="AttestationFormatException"/>, never another exception.</summary>
public sealed class QuoteRobustnessTests
{
    [Theory]
    [MemberData(nameof(QuoteVectors.ParsableNames), MemberType = typeof(QuoteVectors))]
    public void Truncating_a_real_quote_at_every_length_is_a_typed_error(string name)
    {
        byte[] data = QuoteVectors.ByName(name);
        int quoteLength = Quote.Parse(data).Bytes.Length;

        for (int length = 0; length < quoteLength; length++)
        {
            var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data.AsSpan(0, length)));
            Assert.True(ex.Reason == AttestationFormatErrorReason.Truncated, $"Length {length}: {ex.Reason} {ex.Message}");
            Assert.NotNull(ex.Offset);
            Assert.False(Quote.TryParse(data.AsSpan(0, length), out _));
        }
    }

    [Theory]
    [InlineData(0, 2, AttestationFormatErrorReason.UnsupportedVersion)]
    [InlineData(0, 6, AttestationFormatErrorReason.UnsupportedVersion)]
    [InlineData(2, 3, AttestationFormatErrorReason.UnsupportedAttestationKeyType)]
    [InlineData(2, 0, AttestationFormatErrorReason.UnsupportedAttestationKeyType)]
    [InlineData(4, 0x81, AttestationFormatErrorReason.UnsupportedTeeType)]
    public void Sgx_v3_header_fields_outside_the_supported_set_are_rejected(int offset, int value, AttestationFormatErrorReason reason)
    {
        byte[] data = QuoteVectors.SgxV3;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), (ushort)value);

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.Equal(reason, ex.Reason);
        Assert.Equal(offset, ex.Offset);
    }

    [Fact]
    public void A_foreign_qe_vendor_id_is_rejected()
    {
        byte[] data = QuoteVectors.TdxV4;
        data[12] ^= 0x01;

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.Equal(AttestationFormatErrorReason.UnknownQeVendor, ex.Reason);
        Assert.Equal(12, ex.Offset);
    }

    [Fact]
    public void An_unknown_tee_type_in_a_v4_quote_is_rejected()
    {
        byte[] data = QuoteVectors.TdxV4;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 0x80);

        Assert.Equal(AttestationFormatErrorReason.UnsupportedTeeType, Assert.Throws<AttestationFormatException>(() => Quote.Parse(data)).Reason);
    }

    [Theory]
    [InlineData(4, 0x81, AttestationFormatErrorReason.UnsupportedTeeType)] // body type 4 unknown
    [InlineData(1, 384, AttestationFormatErrorReason.UnsupportedTeeType)] // SGX body in a TDX quote
    [InlineData(2, 648, AttestationFormatErrorReason.InvalidLength)] // TD 1.0 with the 1.5 size
    public void Inconsistent_v5_body_descriptors_are_rejected(ushort bodyType, uint bodySize, AttestationFormatErrorReason reason)
    {
        byte[] data = QuoteVectors.TdxV5Outdated;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(48), bodyType);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(50), bodySize);

        Assert.Equal(reason, Assert.Throws<AttestationFormatException>(() => Quote.Parse(data)).Reason);
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(int.MaxValue + 1u)]
    [InlineData(1u << 30)]
    public void A_huge_declared_signature_data_length_is_a_typed_error_without_a_large_allocation(uint declared)
    {
        byte[] data = QuoteVectors.SgxV3;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(48 + 384), declared);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(AttestationFormatErrorReason.Truncated, ex.Reason);
        Assert.Equal(48 + 384 + 4, ex.Offset);
        Assert.True(allocated < 64 * 1024, $"Allocated {allocated} bytes.");
    }

    /// <summary>Offsets of the TDX v4 quote's length fields: signature data, type-6 size, QE auth data length, type-5 size.</summary>
    [Theory]
    [InlineData("signature data", 48 + 584, 4)]
    [InlineData("QE report certification data", 48 + 584 + 4 + 128 + 2, 4)]
    [InlineData("QE auth data", 48 + 584 + 4 + 128 + 6 + 384 + 64, 2)]
    public void Hostile_declared_lengths_in_a_tdx_quote_are_typed_errors_without_large_allocations(string field, int offset, int size)
    {
        byte[] data = QuoteVectors.TdxV4;
        data.AsSpan(offset, size).Fill(0xff);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ex.Reason is AttestationFormatErrorReason.Truncated or AttestationFormatErrorReason.InvalidLength, $"{field}: {ex.Reason}");
        Assert.True(allocated < 64 * 1024, $"{field}: allocated {allocated} bytes.");
    }

    [Fact]
    public void A_certification_data_size_beyond_the_signature_data_is_an_invalid_length()
    {
        byte[] data = QuoteVectors.SgxV3;
        // v3: the type-5 size field follows header, body, length, signature, key, QE report and signature, auth data.
        int authLengthOffset = 48 + 384 + 4 + 64 + 64 + 384 + 64;
        int authLength = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(authLengthOffset));
        int sizeOffset = authLengthOffset + 2 + authLength + 2;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(sizeOffset), uint.MaxValue);

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.Equal(AttestationFormatErrorReason.InvalidLength, ex.Reason);
    }

    [Fact]
    public void A_signature_data_length_longer_than_its_contents_is_an_invalid_length()
    {
        // Append a byte and declare it as part of the signature data: the certification data no longer ends it.
        byte[] data = [.. QuoteVectors.SgxV3, 0];
        int lengthOffset = 48 + 384;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(lengthOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(lengthOffset), declared + 1);

        Assert.Equal(AttestationFormatErrorReason.InvalidLength, Assert.Throws<AttestationFormatException>(() => Quote.Parse(data)).Reason);
    }

    [Fact]
    public void A_v4_quote_without_the_type_6_wrapper_is_rejected()
    {
        byte[] data = QuoteVectors.TdxV4;
        int typeOffset = 48 + 584 + 4 + 64 + 64;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(typeOffset), 5);

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.Equal(AttestationFormatErrorReason.UnsupportedCertificationDataType, ex.Reason);
        Assert.Equal(typeOffset, ex.Offset);
    }

    [Fact]
    public void Corrupt_pem_in_the_certification_data_is_a_typed_error()
    {
        byte[] data = QuoteVectors.SgxV3;
        int begin = data.AsSpan().IndexOf("-----BEGIN CERTIFICATE-----\n"u8);
        data[begin + 30] = (byte)'*'; // inside the base64 of the leaf

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.True(ex.Reason is AttestationFormatErrorReason.InvalidPem or AttestationFormatErrorReason.InvalidCertificationData, ex.Reason.ToString());
    }

    [Fact]
    public void A_certificate_that_is_valid_der_but_not_x509_is_reported_when_decoded()
    {
        // Replace the leaf by a well-formed DER SEQUENCE holding an INTEGER: framing passes, X.509 decoding does not.
        string pem = Pem([0x30, 0x03, 0x02, 0x01, 0x05]) + Pem(Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain.IntermediateDer.ToArray())
            + Pem(Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain.RootDer.ToArray());

        var chain = PckCertificateChain.Parse(pem);
        var ex = Assert.Throws<AttestationFormatException>(() => chain.Leaf);

        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, ex.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_chain_without_exactly_three_certificates_is_rejected(int count)
    {
        var source = Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain;
        string pem = string.Concat(Enumerable.Repeat(Pem(source.LeafDer.ToArray()), count));

        var ex = Assert.Throws<AttestationFormatException>(() => PckCertificateChain.Parse(pem));

        Assert.Equal(AttestationFormatErrorReason.InvalidCertificationData, ex.Reason);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_another_exception()
    {
        var random = new Random(20261125);
        byte[] template = QuoteVectors.SgxV3;
        for (int i = 0; i < 2000; i++)
        {
            byte[] data = new byte[random.Next(0, 6000)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length >= 48)
            {
                // Keep a valid header half of the time so the garbage reaches the deeper structures.
                template.AsSpan(0, 48).CopyTo(data);
            }

            try
            {
                Quote.Parse(data);
            }
            catch (AttestationFormatException)
            {
            }
        }
    }

    [Fact]
    public void Flipping_any_single_byte_of_the_structure_is_either_parsed_or_a_typed_error()
    {
        byte[] original = QuoteVectors.TdxV4;
        int length = Quote.Parse(original).Bytes.Length;
        for (int i = 0; i < length; i++)
        {
            byte[] data = (byte[])original.Clone();
            data[i] ^= 0xff;
            if (Quote.TryParse(data, out Quote? quote))
            {
                // A parse may succeed (signatures are the verifier's business) but must expose exactly the mutated bytes.
                Assert.Equal(data.AsSpan(0, quote.Bytes.Length).ToArray(), quote.Bytes.ToArray());
            }
        }
    }

    private static string Pem(byte[] der) => $"-----BEGIN CERTIFICATE-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks)}\n-----END CERTIFICATE-----\n";
}
