using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>Upload, run and delete through the real listeners with ONNX models built in code, results checked by hand.</summary>
public sealed class InferenceRoundTripTests : IClassFixture<SimulationHostFixture>
{
    private readonly RunningHost _host;

    public InferenceRoundTripTests(SimulationHostFixture fixture) => _host = fixture.Host;

    [Theory]
    [InlineData(ModelBytesEncoding.IntegerArray)]
    [InlineData(ModelBytesEncoding.ByteString)]
    public async Task Upload_run_by_id_and_by_hash_then_delete(ModelBytesEncoding encoding)
    {
        byte[] model = TestModels.MatMulAddRelu();
        SendModelReply uploaded = await Wire.UploadAsync(_host.Management, model, encoding);
        Assert.Equal(ModelHash.Compute(model), uploaded.Hash);

        float[] x = [1, 2, 3, 4, -1, 0.5f, 0, 2];
        Tensor input = Tensor.Create<float>(x, [2, 4]);
        float[] expected = MatMulAddRelu(x, rows: 2);
        foreach (ModelReference reference in new[] { ModelReference.ById(uploaded.ModelId), ModelReference.ByHash(uploaded.Hash) })
        {
            RunModelReply reply = await Wire.RunAsync(_host.Attested, reference, input);
            Tensor output = Assert.Single(reply.GetOutputTensors());
            Assert.Equal("Y", output.Name);
            Assert.Equal([2L, 3L], output.Shape.ToArray());
            Assert.Equal(expected, output.ToArray<float>());
        }

        using HttpResponseMessage deleted = await _host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(uploaded.ModelId)));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal([0xf6], await deleted.Content.ReadAsByteArrayAsync()); // CBOR null, the original's ()
        using HttpResponseMessage after = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(uploaded.ModelId), input)));
        Assert.Equal(HttpStatusCode.InternalServerError, after.StatusCode);
    }

    [Fact]
    public async Task Named_inputs_are_matched_by_name_whatever_their_order()
    {
        SendModelReply uploaded = await Wire.UploadAsync(_host.Management, TestModels.Subtract());
        float[] a = [10, 20, 30, 40, 50, 60];
        float[] b = [1, 2, 3, 4, 5, 6];

        RunModelReply named = await Wire.RunAsync(_host.Attested, ModelReference.ById(uploaded.ModelId),
            Tensor.Create<float>(b, [2, 3], "B"), Tensor.Create<float>(a, [2, 3], "A"));
        RunModelReply positional = await Wire.RunAsync(_host.Attested, ModelReference.ById(uploaded.ModelId),
            Tensor.Create<float>(a, [2, 3]), Tensor.Create<float>(b, [2, 3]));

        float[] expected = [9, 18, 27, 36, 45, 54];
        Assert.Equal(expected, Assert.Single(named.GetOutputTensors()).ToArray<float>());
        Assert.Equal(expected, Assert.Single(positional.GetOutputTensors()).ToArray<float>());
    }

    [Theory]
    [InlineData(TestModels.Float, TensorElementType.Float32)]
    [InlineData(TestModels.Double, TensorElementType.Float64)]
    [InlineData(TestModels.Int32, TensorElementType.Int32)]
    [InlineData(TestModels.Int64, TensorElementType.Int64)]
    [InlineData(TestModels.UInt8, TensorElementType.UInt8)]
    [InlineData(TestModels.Int8, TensorElementType.Int8)]
    [InlineData(TestModels.UInt16, TensorElementType.UInt16)]
    [InlineData(TestModels.Int16, TensorElementType.Int16)]
    [InlineData(TestModels.UInt32, TensorElementType.UInt32)]
    [InlineData(TestModels.UInt64, TensorElementType.UInt64)]
    [InlineData(TestModels.Bool, TensorElementType.Bool)]
    public async Task Every_original_element_type_round_trips_byte_for_byte(int onnxType, TensorElementType type)
    {
        SendModelReply uploaded = await Wire.UploadAsync(_host.Management, TestModels.Identity(onnxType));
        int size = TensorElementTypeInfo.SizeOf(type);
        byte[] data = new byte[5 * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = type == TensorElementType.Bool ? (byte)(i % 2) : (byte)(i * 37 + 1);
        }

        RunModelReply reply = await Wire.RunAsync(_host.Attested, ModelReference.ByHash(uploaded.Hash), Tensor.FromBytes(type, data, [5]));

        Tensor output = Assert.Single(reply.GetOutputTensors());
        Assert.Equal(type, output.ElementType);
        Assert.Equal(data, output.Data.ToArray());
    }

    // Y = Relu(X·W + B) with W[i, j] = ((3i + j) mod 5) − 2 and B = [0.5, −0.5, 1], as TestModels builds it.
    private static float[] MatMulAddRelu(float[] x, int rows)
    {
        float[] bias = [0.5f, -0.5f, 1f];
        float[] y = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 3; j++)
            {
                float sum = bias[j];
                for (int i = 0; i < 4; i++)
                {
                    sum += x[(r * 4) + i] * (((3 * i) + j) % 5 - 2);
                }

                y[(r * 3) + j] = Math.Max(0, sum);
            }
        }

        return y;
    }
}
