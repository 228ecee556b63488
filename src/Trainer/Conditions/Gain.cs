using System.Globalization;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// A quieter (or louder) microphone: the clip times 10^(dB/20), then stored as 16-bit PCM as a recorder would, so a
/// clip 40 dB down keeps only its top ~9 bits and the quantisation noise floor is part of the condition.
/// </summary>
internal sealed record Gain(double Db) : Condition(string.Create(CultureInfo.InvariantCulture, $"gain {Db:+0.#;-0.#;0} dB"))
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var factor = Math.Pow(10, Db / 20);
        var output = new float[clean.Samples.Length];
        for (var i = 0; i < output.Length; i++)
            output[i] = Pcm16.Quantise(clean.Samples[i] * factor);
        return new AudioClip(output, clean.SampleRateHz);
    }
}

/// <summary>16-bit PCM: steps of 1/32768, full scale [−1, 32767/32768], as WAV files hold it.</summary>
internal static class Pcm16
{
    public static short ToCode(double sample) => (short)Math.Clamp(Math.Round(sample * 32768, MidpointRounding.ToEven), -32768, 32767);

    public static float Quantise(double sample) => ToCode(sample) / 32768f;
}
