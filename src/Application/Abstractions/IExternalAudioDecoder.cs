using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Application.Abstractions;

/// <summary>
/// Decodes the compressed formats (and RF64) that we do not read in managed code, within
/// <see cref="AudioLimits"/>; implemented outside the process by a child decoder.
/// </summary>
public interface IExternalAudioDecoder
{
    /// <summary>All channels at the file's native rate, as a WAV image of float32 samples.</summary>
    /// <exception cref="InvalidAudioException">The file cannot be decoded or runs past the limits.</exception>
    ReadOnlyMemory<byte> DecodeToWav(ReadOnlyMemory<byte> audio, AudioFormat format, AudioLimits limits, CancellationToken ct);
}
