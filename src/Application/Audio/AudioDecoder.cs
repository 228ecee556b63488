using EmotionRecognition.Application.Abstractions;

namespace EmotionRecognition.Application.Audio;

/// <summary>
/// The one entry from a file's bytes to an <see cref="AudioClip"/> (mono float32 at the file's own
/// rate), for the Api and the Trainer alike. The format is recognised from the bytes, never from a
/// name or a Content-Type. WAV and AIFF are read here, sample for sample as librosa reads them; the
/// compressed formats go to the <see cref="IExternalAudioDecoder"/>, whose float32 output is averaged
/// to mono by the same code. Every path stops at <see cref="Limits"/> while it decodes.
/// </summary>
public sealed class AudioDecoder(IExternalAudioDecoder external, AudioLimits limits)
{
    public AudioLimits Limits => limits;

    /// <exception cref="InvalidAudioException">The bytes are no audio we decode, are damaged, or run past the limits.</exception>
    public AudioClip Decode(ReadOnlyMemory<byte> audio, CancellationToken ct = default)
    {
        var format = AudioFormats.Detect(audio.Span);
        switch (format)
        {
            case AudioFormat.Unknown when audio.IsEmpty:
                throw new InvalidAudioException($"The audio is empty (0 bytes); send {AudioFormats.Supported}.");
            case AudioFormat.Unknown:
                throw new InvalidAudioException($"The audio format is not recognised from its first bytes ({Head(audio.Span)}); send {AudioFormats.Supported}.");
            case AudioFormat.Wav:
                return WavReader.Read(audio.Span, limits);
            case AudioFormat.Aiff:
                return AiffReader.Read(audio.Span, limits);
            default:
                var wav = external.DecodeToWav(audio, format, limits, ct);
                return WavReader.Read(wav.Span, limits);
        }
    }

    /// <summary>Reads and decodes a file from disk.</summary>
    /// <exception cref="InvalidAudioException">The file is no audio we decode, is damaged, or runs past the limits.</exception>
    public AudioClip DecodeFile(string path, CancellationToken ct = default) => Decode(File.ReadAllBytes(path), ct);

    /// <summary>File extensions of the formats above, for walking a corpus folder.</summary>
    public static IReadOnlySet<string> FileExtensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".wave", ".aif", ".aiff", ".aifc", ".flac", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".webm", ".mka",
    };

    private static string Head(ReadOnlySpan<byte> bytes) =>
        string.Join(' ', bytes[..Math.Min(8, bytes.Length)].ToArray().Select(b => b.ToString("X2")));
}
