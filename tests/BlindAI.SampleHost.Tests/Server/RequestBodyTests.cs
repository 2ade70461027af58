using System.Runtime.InteropServices;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Endpoints;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>The pooled body of <c>POST /run</c>: the exact bytes, the route's limit, and nothing left behind in the pool.</summary>
public sealed class RequestBodyTests
{
    private static DefaultHttpContext Context(byte[] body, bool declareLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = declareLength ? body.Length : null;
        return context;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3_400)]
    [InlineData(602_200)]
    [InlineData(5 << 20)] // larger than the pool lends: a fresh array
    public async Task The_rented_body_holds_exactly_the_request_and_is_cleared_when_disposed(int length)
    {
        byte[] sent = new byte[length];
        Random.Shared.NextBytes(sent);
        sent.AsSpan().Replace((byte)0, (byte)1);

        RentedBody body = await RequestBody.ReadRentedAsync(Context(sent), 8 << 20, CancellationToken.None);
        Assert.Equal(sent, body.Memory.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(body.Memory, out ArraySegment<byte> segment));

        body.Dispose();
        body.Dispose();

        Assert.All(segment.AsSpan().ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => body.Memory);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_refused_as_payload_too_large(bool declareLength)
    {
        HostProblemException refused = await Assert.ThrowsAsync<HostProblemException>(
            () => RequestBody.ReadRentedAsync(Context(new byte[10_001], declareLength), 10_000, CancellationToken.None));

        Assert.Equal(ProblemCode.PayloadTooLarge, refused.Code);
    }

    [Fact]
    public async Task A_cancelled_read_mid_body_is_not_the_end_of_the_body()
    {
        // Kestrel wakes pending reads when the server begins to stop; the body read then returns a cancelled result
        // holding only what arrived so far. That prefix must never be taken for the body (CI saw it decoded as one).
        byte[] sent = new byte[100_000];
        Random.Shared.NextBytes(sent);
        var pipe = new System.IO.Pipelines.Pipe();
        var context = new DefaultHttpContext();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IRequestBodyPipeFeature>(new BodyPipe(pipe.Reader));
        context.Request.ContentLength = sent.Length;

        await pipe.Writer.WriteAsync(sent.AsMemory(0, 40_000));
        Task<RentedBody> reading = RequestBody.ReadRentedAsync(context, 1 << 20, CancellationToken.None);
        pipe.Reader.CancelPendingRead();
        await Task.Delay(50);
        Assert.False(reading.IsCompleted);

        await pipe.Writer.WriteAsync(sent.AsMemory(40_000));
        await pipe.Writer.CompleteAsync();
        using RentedBody body = await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(sent, body.Memory.ToArray());
    }

    [Fact]
    public async Task A_body_that_ends_before_its_declared_length_is_refused()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[10]);
        context.Request.ContentLength = 20;

        HostProblemException refused = await Assert.ThrowsAsync<HostProblemException>(
            () => RequestBody.ReadRentedAsync(context, 1_000, CancellationToken.None));

        Assert.Equal(ProblemCode.BadRequest, refused.Code);
    }

    private sealed class BodyPipe(System.IO.Pipelines.PipeReader reader) : Microsoft.AspNetCore.Http.Features.IRequestBodyPipeFeature
    {
        public System.IO.Pipelines.PipeReader Reader => reader;
    }
}
