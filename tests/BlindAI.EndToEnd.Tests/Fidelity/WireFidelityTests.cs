using System.Buffers.Binary;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.EndToEnd.Tests.Conformance;
using BlindAI.EndToEnd.Tests.Support;
using BlindAI.Protocol.Tensors;
using Xunit.Abstractions;

namespace BlindAI.EndToEnd.Tests.Fidelity;

/// <summary>
/// The bit patterns the backend tests may not happen to contain, for every element type, through an identity model
/// over attested TLS: every NaN payload (quiet and signalling, both signs), signed zeros, subnormals and infinities of
/// the float types, every byte value of the 8-bit types, integer extremes, and strings that a careless codec would
/// normalise, trim or truncate. What comes back must be the bytes sent, and what in-process ONNX Runtime returns.
/// </summary>
[Collection(AttestedHostCollection.Name)]
public sealed class WireFidelityTests(AttestedHostFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<TensorElementType> NumericTypes => new(Enum.GetValues<TensorElementType>().Where(t => t != TensorElementType.String));

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public async Task Every_bit_pattern_of_a_numeric_type_comes_back_unchanged(TensorElementType type)
    {
        byte[] patterns = Patterns(type);
        int count = patterns.Length / Tensor.GetElementSize(type);
        Tensor[] inputs =
        [
            Tensor.FromBytes(type, patterns, [count], "X"),
            Tensor.FromBytes(type, patterns.AsMemory(0, Tensor.GetElementSize(type)), [], "X"),
            Tensor.FromBytes(type, ReadOnlyMemory<byte>.Empty, [0, 3], "X"),
        ];

        await AssertRoundTripsAsync(type, inputs);
        output.WriteLine($"{type}: {count} bit patterns, a scalar and an empty [0, 3] tensor came back unchanged");
    }

    [Fact]
    public async Task Strings_come_back_unchanged_code_unit_for_code_unit()
    {
        string[] values =
        [
            "", "a", " leading and trailing ", "zürich 🌍", "e\u0301 and \u00e9 are not normalised", "\uFEFFbyte order mark",
            "embedded\0nul", "\r\n\t", "اللغة العربية", "日本語", new string('x', 100_000), "\U0010FFFF",
        ];
        Tensor[] inputs =
        [
            Tensor.FromStrings(values, [values.Length], "X"),
            Tensor.FromStrings(values[..12], [3, 4], "X"),
            Tensor.FromStrings(["scalar"], [], "X"),
            Tensor.FromStrings([], [0], "X"),
        ];

        await AssertRoundTripsAsync(TensorElementType.String, inputs);
    }

    private async Task AssertRoundTripsAsync(TensorElementType type, Tensor[] inputs)
    {
        byte[] model = IdentityModels.Of(InProcessOnnxRuntime.OnnxElementType(type));
        BlindAIClient client = fixture.Client;
        UploadedModel uploaded = await client.UploadModelAsync(ModelSource.FromBytes(model), new UploadModelOptions { Name = $"identity-{type}" });
        using var local = new InProcessOnnxRuntime(model);
        try
        {
            foreach (Tensor input in inputs)
            {
                Tensor wire = Assert.Single(await client.RunModelAsync(uploaded.Id, [input]));
                Tensor here = Assert.Single(local.Run([input]));
                Tensor expected = input.WithName("Y");
                Assert.Null(BitExact.Difference(expected, wire));
                Assert.Null(BitExact.Difference(here, wire));
            }
        }
        finally
        {
            await client.DeleteModelAsync(uploaded.Id);
        }
    }

    /// <summary>Every pattern of the 8- and 16-bit types; for the wider ones the special values and 4096 random patterns.</summary>
    private static byte[] Patterns(TensorElementType type)
    {
        int size = Tensor.GetElementSize(type);
        if (type == TensorElementType.Bool)
        {
            return [0, 1, 1, 0];
        }

        if (size <= 2)
        {
            byte[] all = new byte[(1 << (8 * size)) * size];
            for (int i = 0; i < 1 << (8 * size); i++)
            {
                if (size == 1)
                {
                    all[i] = (byte)i;
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(all.AsSpan(2 * i), (ushort)i);
                }
            }

            return all;
        }

        ulong[] special = size == 4
            ?
            [
                0x7FC00000, 0x7FC00001, 0x7FFFFFFF, 0xFFC00000, 0xFFFFFFFF, // quiet NaNs with payloads, both signs
                0x7F800001, 0x7FBFFFFF, 0xFF800001,                         // signalling NaNs
                0x7F800000, 0xFF800000, 0x00000000, 0x80000000,             // infinities, signed zeros
                0x00000001, 0x007FFFFF, 0x80000001, 0x00800000,             // subnormals, smallest normal
                0x7F7FFFFF, 0x80000000 | 0x7F7FFFFF, 0x3F800000,            // largest finite, 1
                0x7FFFFFFE, 0xFFFFFFFE,
            ]
            :
            [
                0x7FF8000000000000, 0x7FF8000000000001, 0x7FFFFFFFFFFFFFFF, 0xFFF8000000000000, 0xFFFFFFFFFFFFFFFF,
                0x7FF0000000000001, 0x7FF7FFFFFFFFFFFF, 0xFFF0000000000001,
                0x7FF0000000000000, 0xFFF0000000000000, 0x0000000000000000, 0x8000000000000000,
                0x0000000000000001, 0x000FFFFFFFFFFFFF, 0x8000000000000001, 0x0010000000000000,
                0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF, 0x3FF0000000000000,
                0x7FFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFE,
            ];
        var random = new Random(size);
        byte[] bytes = new byte[(special.Length + 4096) * size];
        for (int i = 0; i < special.Length; i++)
        {
            if (size == 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)special[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), special[i]);
            }
        }

        random.NextBytes(bytes.AsSpan(special.Length * size));
        return bytes;
    }
}
