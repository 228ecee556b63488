using System.Globalization;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;

namespace EmotionRecognition.Api.Streaming;

/// <summary>
/// <c>GET /stream/{networkType}</c> upgraded to a WebSocket. Everything that can be refused before the upgrade is
/// refused as problem details (400 not a WebSocket or a bad <c>sampleRate</c>, 404/503 no such network or no models,
/// 503 too many streams); what goes wrong after it is a close code (<see cref="TimelineStreamConnection"/>).
/// </summary>
internal static class TimelineStreamEndpoint
{
    public static async Task HandleAsync(HttpContext context, NetworkName networkType, TimelineStreams streams, StreamSlots slots,
        IOptions<StreamLimits> limits, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw new BadHttpRequestException(
                $"/stream/{networkType} is a WebSocket: connect with ws:// (e.g. new WebSocket('ws://host/stream/{networkType}?sampleRate=16000')), " +
                "then send 16-bit mono PCM as binary messages. For a recorded file, POST it to /prediction/{networkType}/timeline.",
                StatusCodes.Status400BadRequest);
        }
        var rate = SampleRateFromQuery(context.Request.Query["sampleRate"]);
        streams.Check(networkType, rate);
        using var slot = slots.TryEnter() ?? throw new BadHttpRequestException(
            $"All {limits.Value.MaxStreams} stream slots are taken; retry shortly.", StatusCodes.Status503ServiceUnavailable);

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new TimelineStreamConnection(socket, streams, limits.Value, loggers.CreateLogger<TimelineStreamConnection>());
        await connection.RunAsync(networkType, rate, context.RequestAborted);
    }

    private static int? SampleRateFromQuery(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw new ValidationException([new ValidationFailure("sampleRate", $"'{text}' is not a sample rate in Hz (a whole number).")]);
    }
}

/// <summary>Counts open streams against <see cref="StreamLimits.MaxStreams"/>.</summary>
public sealed class StreamSlots(IOptions<StreamLimits> limits)
{
    private readonly SemaphoreSlim _free = new(limits.Value.MaxStreams, limits.Value.MaxStreams);

    /// <summary>A slot held until disposed, or null when all are taken.</summary>
    public IDisposable? TryEnter() => _free.Wait(0) ? new Slot(_free) : null;

    private sealed class Slot(SemaphoreSlim free) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                free.Release();
        }
    }
}
