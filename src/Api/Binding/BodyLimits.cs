namespace EmotionRecognition.Api.Binding;

/// <summary>Largest request bodies accepted (configuration section <c>Limits</c>); larger ones get 413 before they are buffered.</summary>
public sealed record BodyLimits
{
    public const string Section = "Limits";

    /// <summary><c>{"mfccs":[…]}</c> bodies: 64 KiB is a hundred times a 25-number vector.</summary>
    public long JsonBytes { get; init; } = 64 * 1024;

    /// <summary><c>{"items":[…]}</c> bodies.</summary>
    public long BatchJsonBytes { get; init; } = 1024 * 1024;

    /// <summary>WAV bodies and multipart forms: 10 MiB is about 4 minutes of 22.05 kHz 16-bit mono.</summary>
    public long AudioBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Recordings sent to <c>/timeline</c>: 64 MiB holds 10 minutes of 48 kHz 16-bit mono (55 MiB).</summary>
    public long TimelineAudioBytes { get; init; } = 64 * 1024 * 1024;
}
