namespace EmotionRecognition.Trainer.Conditions;

/// <summary>Noise waveforms at an arbitrary level (the caller scales them to an SNR), drawn from a seeded <see cref="Random"/>.</summary>
internal static class NoiseSignals
{
    /// <summary>Below this the coloured noises are cut: a microphone's own high-pass, and no DC drift in brown noise.</summary>
    public const double ColouredNoiseLowCutHz = 20;

    /// <summary>Gaussian white noise, unit variance (Box–Muller on the generator's doubles).</summary>
    public static float[] White(int length, Random random)
    {
        var noise = new float[length];
        for (var i = 0; i < length; i++)
            noise[i] = (float)Gaussian(random);
        return noise;
    }

    /// <summary>
    /// Noise whose power spectrum falls as 1/f^<paramref name="exponent"/> (1: pink, 2: brown), shaped in the frequency
    /// domain: every bin gets a complex Gaussian scaled by f^(−exponent/2), bins below <see cref="ColouredNoiseLowCutHz"/>
    /// are zero, and one inverse FFT makes the waveform. Exact slopes to the Nyquist frequency, unlike Voss–McCartney or
    /// a leaky integrator, and the zeroed low bins are the high-pass that keeps brown noise from drifting.
    /// </summary>
    public static float[] Coloured(int length, double exponent, int sampleRateHz, Random random)
    {
        var n = Fft.PowerOfTwoAtLeast(length);
        double[] real = new double[n], imaginary = new double[n];
        for (var k = 1; k <= n / 2; k++)
        {
            var hz = (double)k * sampleRateHz / n;
            if (hz < ColouredNoiseLowCutHz)
                continue;
            var amplitude = Math.Pow(hz, -exponent / 2);
            real[k] = amplitude * Gaussian(random);
            imaginary[k] = k == n / 2 ? 0 : amplitude * Gaussian(random);
            // Hermitian symmetry: a real waveform.
            real[n - k] = real[k];
            imaginary[n - k] = -imaginary[k];
        }
        Fft.Transform(real, imaginary, inverse: true);
        var noise = new float[length];
        for (var i = 0; i < length; i++)
            noise[i] = (float)real[i];
        return noise;
    }

    /// <summary>
    /// Mains hum: 50 Hz (Europe, Asia) or 60 Hz (the Americas), drawn, with harmonics 2–5 at 1/h of the fundamental's
    /// amplitude and random phases: the buzz of a ground loop or a cheap power supply is rich in harmonics.
    /// </summary>
    public static float[] Hum(int length, int sampleRateHz, Random random)
    {
        var fundamentalHz = random.Next(2) == 0 ? 50.0 : 60.0;
        var noise = new float[length];
        for (var h = 1; h <= 5 && h * fundamentalHz < sampleRateHz / 2.0; h++)
        {
            var phase = 2 * Math.PI * random.NextDouble();
            var step = 2 * Math.PI * h * fundamentalHz / sampleRateHz;
            for (var i = 0; i < length; i++)
                noise[i] += (float)(Math.Sin(step * i + phase) / h);
        }
        return noise;
    }

    /// <summary>
    /// Non-stationary noise: white or pink noise (drawn) gated on and off in alternating stretches of 50–400 ms each
    /// (doors, keyboard, traffic passing), with 5 ms raised-cosine edges so the gate adds no clicks of its own.
    /// </summary>
    public static float[] Bursts(int length, int sampleRateHz, Random random)
    {
        var noise = random.Next(2) == 0 ? White(length, random) : Coloured(length, 1, sampleRateHz, random);
        var gate = new float[length];
        var on = random.Next(2) == 0;
        var ramp = Math.Max(1, (int)(0.005 * sampleRateHz));
        var anyOn = false;
        for (var start = 0; start < length;)
        {
            var stretch = (int)((0.05 + 0.35 * random.NextDouble()) * sampleRateHz);
            var end = Math.Min(length, start + Math.Max(1, stretch));
            if (on)
            {
                anyOn = true;
                for (var i = start; i < end; i++)
                {
                    var edge = Math.Min(i - start, end - 1 - i);
                    gate[i] = edge >= ramp ? 1f : (float)(0.5 - 0.5 * Math.Cos(Math.PI * (edge + 0.5) / ramp));
                }
            }
            on = !on;
            start = end;
        }
        // A clip shorter than one stretch could draw only "off": keep it one burst rather than no noise at all.
        if (!anyOn)
            Array.Fill(gate, 1f);
        for (var i = 0; i < length; i++)
            noise[i] *= gate[i];
        return noise;
    }

    /// <summary>
    /// Babble: the sum of 3–5 other speakers' clips, each brought to the same active power so none dominates, looped
    /// from a random offset to cover the clip (a café or an open office behind the speaker).
    /// </summary>
    public static float[] Babble(int length, int sampleRateHz, Random random, ISpeechSource others)
    {
        var babble = new float[length];
        var talkers = random.Next(3, 6);
        for (var t = 0; t < talkers; t++)
        {
            var clip = others.Draw(random);
            var voice = clip.SampleRateHz == sampleRateHz
                ? clip.Samples
                : Application.Audio.Resampler.Resample(clip.Samples, clip.SampleRateHz, sampleRateHz);
            var power = SpeechLevel.ActivePower(voice, sampleRateHz);
            if (voice.Length == 0 || power <= 0)
                continue;
            var scale = (float)(1 / Math.Sqrt(power));
            var offset = random.Next(voice.Length);
            for (var i = 0; i < length; i++)
                babble[i] += scale * voice[(offset + i) % voice.Length];
        }
        return babble;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
