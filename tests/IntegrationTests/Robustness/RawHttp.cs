using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>What came back on a raw connection: the status (0 if none), the body (de-chunked) and how long it took.</summary>
public sealed record RawResponse(int Status, string Headers, string Body, TimeSpan Elapsed);

/// <summary>
/// HTTP/1.1 over a bare socket, so a test can misbehave the way real clients do: send headers and then a
/// body slowly, never, or forever. The reader stops at a complete response, when the server closes the
/// connection, or at the deadline; the writer is stopped as soon as the answer is in.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse> ExchangeAsync(
        Uri server, string head, Func<Stream, CancellationToken, Task> writeBody, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            try
            {
                await writeBody(stream, stopWriting.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The server hung up on us, or we stopped: both are how this ends.
            }
        });

        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (!IsComplete(received.ToArray()))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
        }
        var elapsed = clock.Elapsed;
        await stopWriting.CancelAsync();
        tcp.Close();
        await writer;
        return Parse(received.ToArray(), elapsed);
    }

    /// <summary>Writes <paramref name="piece"/> every <paramref name="interval"/> until stopped.</summary>
    public static Func<Stream, CancellationToken, Task> Trickle(byte[] piece, TimeSpan interval) => async (stream, ct) =>
    {
        while (!ct.IsCancellationRequested)
        {
            await stream.WriteAsync(piece, ct);
            await stream.FlushAsync(ct);
            await Task.Delay(interval, ct);
        }
    };

    public static Func<Stream, CancellationToken, Task> Send(byte[] bytes) => async (stream, ct) => await stream.WriteAsync(bytes, ct);

    private static int HeaderEnd(byte[] bytes) => bytes.AsSpan().IndexOf("\r\n\r\n"u8);

    private static bool IsComplete(byte[] bytes)
    {
        var end = HeaderEnd(bytes);
        if (end < 0)
        {
            return false;
        }
        var headers = Encoding.ASCII.GetString(bytes, 0, end);
        var body = bytes.AsSpan(end + 4);
        if (HeaderValue(headers, "Content-Length") is { } length)
        {
            return body.Length >= int.Parse(length);
        }
        if (HeaderValue(headers, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return body.EndsWith("0\r\n\r\n"u8);
        }
        return false;   // close-delimited: read until the server closes
    }

    private static string? HeaderValue(string headers, string name) =>
        headers.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

    private static RawResponse Parse(byte[] bytes, TimeSpan elapsed)
    {
        var end = HeaderEnd(bytes);
        if (end < 0)
        {
            return new RawResponse(0, Encoding.ASCII.GetString(bytes), "", elapsed);
        }
        var headers = Encoding.ASCII.GetString(bytes, 0, end);
        var status = int.Parse(headers.Split(' ', 3)[1]);
        var body = bytes[(end + 4)..];
        if (HeaderValue(headers, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = Dechunk(body);
        }
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body), elapsed);
    }

    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0 || position + size > body.Length)
            {
                break;
            }
            output.Write(body, position, size);
            position += size + 2;
        }
        return output.ToArray();
    }
}
