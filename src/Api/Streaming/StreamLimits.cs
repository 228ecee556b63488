namespace EmotionRecognition.Api.Streaming;

/// <summary>Limits of the live timeline streams (configuration section <c>Streaming</c>).</summary>
public sealed record StreamLimits
{
    public const string Section = "Streaming";

    /// <summary>
    /// Largest message a client may send (1009 beyond it); the receive buffer is this size, once per stream.
    /// 64 KiB is 0.68 s of 48 kHz 16-bit mono; clients send a few hundred milliseconds at a time.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>A stream that sends nothing for this long is closed (1008).</summary>
    public double IdleTimeoutSeconds { get; init; } = 30;

    /// <summary>Streams open at the same time; more get 503 before the upgrade. Each holds one request slot too.</summary>
    public int MaxStreams { get; init; } = 16;
}
