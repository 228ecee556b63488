using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

/// <summary>Unit tests run no child process: WAV and AIFF decode in process, anything compressed is refused.</summary>
internal sealed class NoExternalDecoder : IExternalAudioDecoder
{
    public static AudioDecoder Decoder(AudioLimits? limits = null) => new(new NoExternalDecoder(), limits ?? new AudioLimits());

    public ReadOnlyMemory<byte> DecodeToWav(ReadOnlyMemory<byte> audio, AudioFormat format, AudioLimits limits, CancellationToken ct) =>
        throw new InvalidAudioException($"{format.Name()} needs the external decoder, which unit tests do not run.");
}
