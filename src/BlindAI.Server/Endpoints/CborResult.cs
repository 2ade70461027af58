using BlindAI.Protocol;
using Microsoft.AspNetCore.Http;

namespace BlindAI.Server.Endpoints;

/// <summary>A 200 response with an <c>application/cbor</c> body, as every successful reply of the original server.</summary>
internal sealed class CborResult : IResult
{
    private readonly ReadOnlyMemory<byte> _body;

    public CborResult(ReadOnlyMemory<byte> body) => _body = body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ProtocolMediaTypes.Cbor;
        httpContext.Response.ContentLength = _body.Length;
        await httpContext.Response.Body.WriteAsync(_body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
