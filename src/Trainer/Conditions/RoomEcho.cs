using System.Globalization;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// A reverberant room: the clip convolved (by FFT) with a synthetic impulse response and rescaled to the clean clip's
/// peak, so the condition changes the sound, not the level.
/// </summary>
/// <param name="Rt60Seconds">Time for the reverberant tail to decay by 60 dB: 0.3 s an office, 0.7 s a bare living room.</param>
/// <param name="DirectToReverberantDb">Direct path energy over the tail's: about +3 dB for a talker half a metre from a laptop.</param>
internal sealed record RoomEcho(double Rt60Seconds, double DirectToReverberantDb = RoomEcho.DefaultDirectToReverberantDb)
    : Condition(string.Create(CultureInfo.InvariantCulture, $"room echo RT60 {Rt60Seconds:0.0#} s"))
{
    public const double DefaultDirectToReverberantDb = 3;

    /// <summary>The gap between the direct sound and the first reflections, as from a desk or wall a metre or so away.</summary>
    public const double ReflectionDelaySeconds = 0.003;

    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var response = ImpulseResponse(clean.SampleRateHz, new Random(seed));
        var wet = Fft.Convolve(clean.Samples, response);
        var cleanPeak = Peak(clean.Samples);
        var wetPeak = 0.0;
        foreach (var s in wet)
            wetPeak = Math.Max(wetPeak, Math.Abs(s));
        var scale = wetPeak > 0 ? cleanPeak / wetPeak : 0;
        var output = new float[wet.Length];
        for (var i = 0; i < output.Length; i++)
            output[i] = (float)(wet[i] * scale);
        return new AudioClip(output, clean.SampleRateHz);
    }

    /// <summary>
    /// h[0] = 1 (the direct path); from <see cref="ReflectionDelaySeconds"/> to RT60, Gaussian noise under the envelope
    /// e^(−3·ln10·t/RT60) (60 dB down at RT60), scaled so the tail's energy is <see cref="DirectToReverberantDb"/>
    /// below the direct path's. Exponentially decaying noise is the statistical model of a diffuse late field.
    /// </summary>
    public double[] ImpulseResponse(int sampleRateHz, Random random)
    {
        var length = Math.Max(2, (int)Math.Round(Rt60Seconds * sampleRateHz));
        var onset = Math.Clamp((int)Math.Round(ReflectionDelaySeconds * sampleRateHz), 1, length - 1);
        var response = new double[length];
        var decayPerSample = 3 * Math.Log(10) / (Rt60Seconds * sampleRateHz);
        double tailEnergy = 0;
        for (var i = onset; i < length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            response[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * Math.Exp(-decayPerSample * i);
            tailEnergy += response[i] * response[i];
        }
        var tailScale = Math.Sqrt(Math.Pow(10, -DirectToReverberantDb / 10) / tailEnergy);
        for (var i = onset; i < length; i++)
            response[i] *= tailScale;
        response[0] = 1;
        return response;
    }

    internal static double Peak(ReadOnlySpan<float> samples)
    {
        var peak = 0.0;
        foreach (var s in samples)
            peak = Math.Max(peak, Math.Abs(s));
        return peak;
    }
}
