using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using FluentValidation;

namespace EmotionRecognition.Api.Streaming;

/// <summary>
/// One accepted <c>/stream/{networkType}</c> WebSocket: the sample rate (from the URL or a first text message),
/// then binary messages of 16-bit little-endian mono PCM, answered with <see cref="StreamMessage"/>s.
/// <para>
/// Bounded by construction: one receive buffer of <see cref="StreamLimits.MaxMessageBytes"/>, the stream's bounded
/// sample history, and no queue. The next message is read only after the last one is analysed and every answer to
/// it is sent, so a client that sends faster than we analyse, or reads slower than we answer, is held back by
/// TCP flow control instead of growing a buffer here.
/// </para>
/// Close codes: 1000 after <c>{"type":"end"}</c> or the client's close; 1003 a message of the wrong kind (binary
/// before the sample rate, text that is not a control message); 1007 a first message that is not the JSON
/// expected, or PCM with an odd byte count; 1008 an invalid sample rate or network, or no message for
/// <see cref="StreamLimits.IdleTimeoutSeconds"/>; 1009 a message over the size limit; 1011 a fault of ours.
/// </summary>
internal sealed class TimelineStreamConnection(WebSocket socket, TimelineStreams streams, StreamLimits limits, ILogger logger)
{
    private readonly byte[] _buffer = new byte[limits.MaxMessageBytes];
    private float[] _samples = [];
    private Task<ValueWebSocketReceiveResult>? _receiving;

    public async Task RunAsync(NetworkName networkType, int? sampleRateHz, CancellationToken ct)
    {
        try
        {
            var rate = sampleRateHz ?? await ReceiveSampleRateAsync(ct);
            using var stream = Start(networkType, rate);
            await SendAsync(StreamMessage.Ready(stream.Network.Name(), rate), ct);
            await StreamAsync(stream, ct);
        }
        catch (StreamClosed closed)
        {
            await CloseAsync(closed.Status, closed.Reason, ct);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && ct.IsCancellationRequested)
        {
            // The client went away mid-stream: nothing is left to tell it.
        }
        catch (Exception e) when (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            logger.LogError(e, "A timeline stream failed.");
            await CloseAsync(WebSocketCloseStatus.InternalServerError, "The server failed to analyse the stream.", ct);
        }
    }

    private TimelineStream Start(NetworkName networkType, int rate)
    {
        try
        {
            return streams.Start(new StartTimelineStream(networkType, rate), partials: true);
        }
        catch (ValidationException invalid)
        {
            throw new StreamClosed(WebSocketCloseStatus.PolicyViolation, invalid.Errors.First().ErrorMessage);
        }
        catch (Exception e) when (e is NetworkNotAvailableException or ModelsUnavailableException)
        {
            throw new StreamClosed(WebSocketCloseStatus.PolicyViolation, e.Message);
        }
    }

    private async Task<int> ReceiveSampleRateAsync(CancellationToken ct)
    {
        var (type, count) = await ReceiveAsync(ct);
        if (type != WebSocketMessageType.Text)
            throw new StreamClosed(WebSocketCloseStatus.InvalidMessageType, "Send {\"sampleRate\":N} as the first, text message (or ?sampleRate=N in the URL), then binary PCM.");
        StreamStart? start;
        try
        {
            start = JsonSerializer.Deserialize(_buffer.AsSpan(0, count), StreamJsonContext.Default.StreamStart);
        }
        catch (JsonException)
        {
            start = null;
        }
        return start?.SampleRate ?? throw new StreamClosed(WebSocketCloseStatus.InvalidPayloadData, "The first message must be JSON {\"sampleRate\":N}.");
    }

    private async Task StreamAsync(TimelineStream stream, CancellationToken ct)
    {
        while (true)
        {
            var (type, count) = await ReceiveAsync(ct);
            if (type == WebSocketMessageType.Close)
            {
                await SendAllAsync(await stream.FinishAsync(ct), ct);
                await SendAsync(StreamMessage.Ended(stream), ct);
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "", ct);
                return;
            }
            if (type == WebSocketMessageType.Text)
            {
                if (!IsEnd(count))
                    throw new StreamClosed(WebSocketCloseStatus.InvalidMessageType, "Audio must be binary messages of 16-bit little-endian mono PCM; the only text message is {\"type\":\"end\"}.");
                await SendAllAsync(await stream.FinishAsync(ct), ct);
                await SendAsync(StreamMessage.Ended(stream), ct);
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "end of stream", ct);
                return;
            }
            if (count % 2 != 0)
                throw new StreamClosed(WebSocketCloseStatus.InvalidPayloadData, "A PCM message must hold whole 16-bit samples (an even number of bytes).");
            await SendAllAsync(await stream.PushAsync(Pcm16(count), ct), ct);
        }
    }

    private bool IsEnd(int count)
    {
        try
        {
            return JsonSerializer.Deserialize(_buffer.AsSpan(0, count), StreamJsonContext.Default.StreamControl)?.Type == "end";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private ReadOnlySpan<float> Pcm16(int bytes)
    {
        var count = bytes / 2;
        if (_samples.Length < count)
            _samples = new float[_buffer.Length / 2];
        for (int i = 0; i < count; i++)
            _samples[i] = BinaryPrimitives.ReadInt16LittleEndian(_buffer.AsSpan(2 * i)) / 32768f;
        return _samples.AsSpan(0, count);
    }

    /// <summary>One whole message into the buffer, within the size limit and the idle timeout.</summary>
    private async Task<(WebSocketMessageType Type, int Count)> ReceiveAsync(CancellationToken ct)
    {
        int count = 0;
        while (true)
        {
            if (count == _buffer.Length)
                throw new StreamClosed(WebSocketCloseStatus.MessageTooBig, $"A message may hold at most {_buffer.Length} bytes.");
            var receive = _receiving = socket.ReceiveAsync(_buffer.AsMemory(count), ct).AsTask();
            // Cancelling a receive would abort the socket without a close frame; waiting beside it lets us close properly.
            if (await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(limits.IdleTimeoutSeconds), ct)) != receive)
            {
                throw new StreamClosed(WebSocketCloseStatus.PolicyViolation, $"No message for {limits.IdleTimeoutSeconds:0.#} s.");
            }
            var result = await receive;
            _receiving = null;
            if (result.MessageType == WebSocketMessageType.Close)
                return (WebSocketMessageType.Close, 0);
            count += result.Count;
            if (result.EndOfMessage)
                return (result.MessageType, count);
        }
    }

    private async Task SendAllAsync(IReadOnlyList<ClassifiedSegment> segments, CancellationToken ct)
    {
        foreach (var segment in segments)
            await SendAsync(StreamMessage.From(segment), ct);
    }

    private Task SendAsync(StreamMessage message, CancellationToken ct) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, StreamJsonContext.Default.StreamMessage), WebSocketMessageType.Text, endOfMessage: true, ct);

    private async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            // A close reason may hold 123 bytes of UTF-8.
            var bytes = Encoding.UTF8.GetBytes(reason);
            var trimmed = bytes.Length <= 123 ? reason : Encoding.UTF8.GetString(bytes, 0, 120) + "...";
            await socket.CloseOutputAsync(status, trimmed, ct);
            if (status != WebSocketCloseStatus.NormalClosure || socket.State == WebSocketState.CloseSent)
                await AwaitClientsCloseAsync(ct);
        }
        catch (WebSocketException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// After our close frame, reads (and drops) what the client still had in flight until its own close frame
    /// arrives, for at most 2 s, so it sees the close code instead of a reset connection.
    /// </summary>
    private async Task AwaitClientsCloseAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            if (_receiving is { } pending && await pending.WaitAsync(deadline.Token) is { MessageType: WebSocketMessageType.Close })
                return;
            while (socket.State == WebSocketState.CloseSent)
            {
                if ((await socket.ReceiveAsync(_buffer.AsMemory(), deadline.Token)).MessageType == WebSocketMessageType.Close)
                    return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // It did not answer in time; the connection is dropped when the handler returns.
        }
    }

    /// <summary>Ends the stream with a close code and a reason the client can show.</summary>
    private sealed class StreamClosed(WebSocketCloseStatus status, string reason) : Exception(reason)
    {
        public WebSocketCloseStatus Status { get; } = status;

        public string Reason { get; } = reason;
    }
}
