using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>
/// A hand-driven client connection to one of the host's ports, plain or TLS (pinned to the served certificate): for
/// clients that stop mid-request, dribble bytes, vanish, or send what no HTTP client library would.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private RawConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        Stream = stream;
    }

    public Stream Stream { get; }

    /// <summary>Connects to <c>127.0.0.1:<paramref name="port"/></c>; with <paramref name="pinnedCertificate"/>, completes a TLS handshake accepting only that certificate.</summary>
    public static async Task<RawConnection> OpenAsync(int port, byte[]? pinnedCertificate = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (pinnedCertificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = Protocol.ProtocolRoutes.CertificateHostName,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinnedCertificate),
                });
                stream = tls;
            }

            return new RawConnection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP/1.1 request line and headers, ending with the blank line.</summary>
    public static byte[] Head(string method, string path, long? contentLength, string? accept = null)
    {
        var head = new StringBuilder();
        head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (contentLength is long length)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        }

        if (accept is not null)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Accept: {accept}\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await Stream.WriteAsync(bytes);
        await Stream.FlushAsync();
    }

    /// <summary>Closes abortively (TCP reset), as a crashed client or a dropped network looks to the server.</summary>
    public void Vanish()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>
    /// Reads until the server closes the connection (or resets it) and returns what it sent; fails if it is still open
    /// after <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await Stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"The server kept the connection open for more than {timeout.TotalSeconds} s; it had sent: {Encoding.ASCII.GetString(received.ToArray())}");
        }
        catch (IOException)
        {
            // Reset by the server: closed as well.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>The status code of the first response in <paramref name="received"/>, or 0 when the server sent none.</summary>
    public static int StatusOf(string received) =>
        received.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && received.Length >= 12
            ? int.Parse(received.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}
