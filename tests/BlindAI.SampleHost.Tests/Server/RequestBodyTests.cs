using System.Runtime.InteropServices;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost.Endpoints;
using BlindAI.SampleHost.Problems;
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
}
