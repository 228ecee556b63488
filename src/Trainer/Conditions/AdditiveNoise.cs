using System.Globalization;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>The kinds of background noise, from the stationary to the speech-like.</summary>
internal enum NoiseKind
{
    White,
    Pink,
    Brown,
    Babble,
    Bursts,
    Hum,
}

/// <summary>
/// Noise of a kind added at a signal-to-noise ratio, both powers measured by <see cref="SpeechLevel.ActivePower"/>:
/// the noise is scaled by √(P_speech / (P_noise·10^(SNR/10))). The sum is left as float and not clipped, so the
/// condition measures noise alone; clipping is a condition of its own. A clip with no active speech (digital
/// silence) is referred to −100 dBFS so the result stays finite.
/// </summary>
internal sealed record AdditiveNoise(NoiseKind Kind, double SnrDb) : Condition(NameOf(Kind, SnrDb))
{
    private const double SilentReferencePower = 1e-10;

    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var random = new Random(seed);
        var length = clean.Samples.Length;
        var rate = clean.SampleRateHz;
        var noise = Kind switch
        {
            NoiseKind.White => NoiseSignals.White(length, random),
            NoiseKind.Pink => NoiseSignals.Coloured(length, 1, rate, random),
            NoiseKind.Brown => NoiseSignals.Coloured(length, 2, rate, random),
            NoiseKind.Babble => NoiseSignals.Babble(length, rate, random, others),
            NoiseKind.Bursts => NoiseSignals.Bursts(length, rate, random),
            NoiseKind.Hum => NoiseSignals.Hum(length, rate, random),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "no such noise"),
        };
        return new AudioClip(Mix(clean.Samples, noise, rate, SnrDb), rate);
    }

    /// <summary><paramref name="speech"/> plus <paramref name="noise"/> scaled to <paramref name="snrDb"/> (same length).</summary>
    public static float[] Mix(ReadOnlySpan<float> speech, ReadOnlySpan<float> noise, int sampleRateHz, double snrDb)
    {
        var speechPower = Math.Max(SpeechLevel.ActivePower(speech, sampleRateHz), SilentReferencePower);
        var noisePower = SpeechLevel.ActivePower(noise, sampleRateHz);
        var scale = noisePower > 0 ? (float)Math.Sqrt(speechPower / (noisePower * Math.Pow(10, snrDb / 10))) : 0f;
        var mixed = new float[speech.Length];
        for (var i = 0; i < mixed.Length; i++)
            mixed[i] = speech[i] + scale * noise[i];
        return mixed;
    }

    private static string NameOf(NoiseKind kind, double snrDb)
    {
        var noun = kind switch
        {
            NoiseKind.Babble => "babble",
            NoiseKind.Bursts => "noise bursts",
            NoiseKind.Hum => "mains hum",
            _ => kind.ToString().ToLowerInvariant() + " noise",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{noun} {snrDb:0.#} dB");
    }
}
