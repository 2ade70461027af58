using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;

namespace BlindAI.Server.Tests;

/// <summary>
/// The error format follows the request's <c>Accept</c> header (moved here from BlindAI.Protocol, whose copy the server
/// never used): problem details only for a client that asks for them, the original CBOR text otherwise.
/// </summary>
public sealed class ProblemNegotiationTests
{
    [Theory]
    [InlineData(null, "Original")]
    [InlineData("*/*", "Original")]
    [InlineData("application/cbor", "Original")]
    [InlineData("application/json", "Original")]
    [InlineData("application/problem+json", "Json")]
    [InlineData("application/problem+cbor", "Cbor")]
    [InlineData("application/problem+cbor, application/problem+json;q=0.5", "Cbor")]
    [InlineData("application/problem+cbor;q=0.2, application/problem+json", "Json")]
    [InlineData("application/problem+json;q=0", "Original")]
    [InlineData("text/html, application/xhtml+xml", "Original")]
    public void Error_format_follows_the_accept_header(string? accept, string expected)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        Assert.Equal(Enum.Parse<ProblemFormat>(expected), ProblemResponder.Negotiate(context.Request));
    }
}
