using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class PitchTrackerTests
{
    private const int Rate = 22050;

    private static readonly PitchTracker Tracker = new(FeatureProfile.Sequence);

    /// <summary>Σ amplitude_k · sin(2π·f_k·t) for <paramref name="seconds"/> at <paramref name="rate"/>.</summary>
    private static float[] Tones(double seconds, int rate, params (double Hz, double Amplitude)[] partials)
    {
        var samples = new float[(int)(seconds * rate)];
        for (var n = 0; n < samples.Length; n++)
        {
            var value = 0.0;
            foreach (var (hz, amplitude) in partials)
                value += amplitude * Math.Sin(2 * Math.PI * hz * n / rate);
            samples[n] = (float)value;
        }

        return samples;
    }

    /// <summary>Frames whose whole 1024-sample window lies inside a signal of <paramref name="samples"/> samples.</summary>
    private static IEnumerable<int> InteriorFrames(int samples) =>
        Enumerable.Range(0, 1 + samples / 512).Where(t => t * 512 - 512 >= 0 && t * 512 + 512 <= samples);

    [TestCase(110.0)]
    [TestCase(220.0)]
    [TestCase(330.0)]
    public void Track_Sine_EveryInteriorFrameWithinOnePercent(double hz)
    {
        var signal = Tones(1.0, Rate, (hz, 0.5));

        var track = Tracker.Track(signal);

        foreach (var t in InteriorFrames(signal.Length))
        {
            Assert.That(track.F0Hz[t], Is.EqualTo(hz).Within(1).Percent, $"frame {t}");
            Assert.That(track.Periodicity[t], Is.GreaterThan(0.9f), $"frame {t}");
        }
    }

    /// <summary>
    /// YIN as <see cref="PitchTracker"/> documents it, for a frame inside the signal, summed plainly in double: the
    /// reference the vectorised tracker is held to.
    /// </summary>
    private static (double F0, double Periodicity) ReferenceYin(PitchTracker tracker, float[] signal, int t)
    {
        int n = tracker.FrameLength, lags = tracker.MaxLag, w = tracker.IntegrationWindow;
        var start = t * tracker.HopLength - n / 2;
        var peak = Enumerable.Range(start, n).Max(i => Math.Abs((double)signal[i]));
        var x = Enumerable.Range(start, n).Select(i => signal[i] / peak).ToArray();
        var cmndf = new double[lags + 1];
        cmndf[0] = 1;
        var running = 0.0;
        for (var tau = 1; tau <= lags; tau++)
        {
            var d = 0.0;
            for (var j = 0; j < w; j++)
                d += (x[j] - x[j + tau]) * (x[j] - x[j + tau]);
            running += d;
            cmndf[tau] = running > 0 ? d * tau / running : 1;
        }
        var lag = Enumerable.Range(tracker.MinLag, lags - tracker.MinLag + 1).FirstOrDefault(tau => cmndf[tau] < tracker.Threshold, -1);
        while (lag >= 0 && lag + 1 <= lags && cmndf[lag + 1] < cmndf[lag])
            lag++;
        Assert.That(lag, Is.GreaterThan(0), $"frame {t} is voiced");
        var (at, dip) = ((double)lag, cmndf[lag]);
        if (lag < lags)
        {
            double a = cmndf[lag - 1], b = cmndf[lag], c = cmndf[lag + 1];
            if (a - 2 * b + c > 0 && b <= a && b <= c)
            {
                var delta = 0.5 * (a - c) / (a - 2 * b + c);
                (at, dip) = (lag + delta, b - 0.25 * (a - c) * delta);
            }
        }
        return (tracker.SampleRateHz / at, Math.Clamp(1 - dip, 0, 1));
    }

    [Test]
    public void Track_PeriodAmongTheLastLagsOfARangeNotAMultipleOfFour_MatchesPlainYin()
    {
        // Lags are summed four at a time. 70 Hz searches lags up to 315, so the last three (313-315) are summed as the
        // group that ends at 315. A breathy 70.2 Hz voice has its period at lag 314, in that group, and a dip well above 0.
        var tracker = new PitchTracker(FeatureProfile.Sequence, minF0Hz: 70);
        var noise = new Random(5);
        var signal = Tones(1.0, Rate, (70.2, 0.4), (140.4, 0.2), (210.6, 0.1)).Select(v => v + (float)(0.2 * (noise.NextDouble() - 0.5))).ToArray();

        var track = tracker.Track(signal);

        Assert.That(tracker.MaxLag % 4, Is.EqualTo(3));
        foreach (var t in InteriorFrames(signal.Length))
        {
            var (f0, periodicity) = ReferenceYin(tracker, signal, t);
            Assert.That(track.F0Hz[t], Is.EqualTo(f0).Within(1e-3).Percent, $"frame {t}");
            Assert.That(track.Periodicity[t], Is.EqualTo(periodicity).Within(1e-4), $"frame {t}");
            Assert.That(periodicity, Is.LessThan(0.999), $"frame {t}: the dip is not at 0, so its value is tested");
        }
    }

    [Test]
    public void Track_HarmonicsWithoutTheFundamental_GivesTheFundamental()
    {
        // 150 Hz is absent: only its harmonics 2-6 (300 … 900 Hz). The period is still 1/150 s.
        var signal = Tones(1.0, Rate, (300, 0.3), (450, 0.25), (600, 0.2), (750, 0.15), (900, 0.1));

        var track = Tracker.Track(signal);

        foreach (var t in InteriorFrames(signal.Length))
            Assert.That(track.F0Hz[t], Is.EqualTo(150).Within(1).Percent, $"frame {t}");
    }

    [Test]
    public void Track_WhiteNoise_IsUnvoiced()
    {
        var random = new Random(3);
        var signal = new float[Rate];
        for (var n = 0; n < signal.Length; n++)
            signal[n] = (float)(random.NextDouble() - 0.5);

        var track = Tracker.Track(signal);

        Assert.That(Enumerable.Range(0, track.Frames).Count(track.IsVoiced), Is.Zero);
        Assert.That(track.Periodicity.ToArray(), Is.All.LessThan(0.5f));
    }

    [Test]
    public void Track_Silence_IsUnvoicedWithZeroPeriodicity()
    {
        var track = Tracker.Track(new float[Rate]);

        Assert.That(track.F0Hz.ToArray(), Is.All.EqualTo(0f));
        Assert.That(track.Periodicity.ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Track_ToneBetweenSilences_SilentFramesAreUnvoiced()
    {
        var signal = new float[3 * Rate];
        Tones(1.0, Rate, (200, 0.5)).CopyTo(signal, Rate);

        var track = Tracker.Track(signal);

        Assert.That(track.IsVoiced(20), Is.False, "leading silence");
        Assert.That(track.IsVoiced(65), Is.True, "tone");
        Assert.That(track.IsVoiced(110), Is.False, "trailing silence");
    }

    [TestCase(22050, 0)]
    [TestCase(22050, 1)]
    [TestCase(22050, 511)]
    [TestCase(22050, 512)]
    [TestCase(22050, 40000)]
    [TestCase(48000, 3 * 48000 + 17)]
    [TestCase(16000, 12345)]
    public void Track_AnyClip_HasTheLogMelsFrameCount(int rate, int samples)
    {
        var clip = new AudioClip(Tones((double)samples / rate, rate, (180, 0.4)), rate);

        var track = Tracker.Track(FeatureProfile.Sequence, clip);

        Assert.That(track.Frames, Is.EqualTo(new FeaturePipeline(FeatureProfile.Sequence).ExtractLogMel(clip).Frames));
    }

    [Test]
    public void Track_ExponentialGlide_FollowsTheInstantaneousFrequency()
    {
        // 120 Hz → 300 Hz in 2 s, exponentially (a constant 0.66 octaves per second, like a strong intonation rise).
        const double from = 120, to = 300, seconds = 2;
        var k = Math.Log(to / from) / seconds;
        var signal = new float[(int)(seconds * Rate)];
        for (var n = 0; n < signal.Length; n++)
        {
            var time = (double)n / Rate;
            signal[n] = (float)(0.5 * Math.Sin(2 * Math.PI * from * (Math.Exp(k * time) - 1) / k));
        }

        var track = Tracker.Track(signal);

        foreach (var t in InteriorFrames(signal.Length))
        {
            var expected = from * Math.Exp(k * t * 512.0 / Rate);
            Assert.That(track.F0Hz[t], Is.EqualTo(expected).Within(2).Percent, $"frame {t}");
        }
    }

    [Test]
    public void Track_HardClippedTone_KeepsItsPitch()
    {
        var signal = Tones(1.0, Rate, (140, 20)).Select(v => Math.Clamp(v, -1f, 1f)).ToArray();

        var track = Tracker.Track(signal);

        foreach (var t in InteriorFrames(signal.Length))
            Assert.That(track.F0Hz[t], Is.EqualTo(140).Within(1).Percent, $"frame {t}");
    }

    [Test]
    public void Track_HugeAndTinyAmplitudes_GiveTheSamePitchAndNoNaN()
    {
        var loud = Tones(0.5, Rate, (240, 1e37));
        var quiet = Tones(0.5, Rate, (240, 1e-6)); // −120 dBFS, yet the loudest thing in its clip

        var a = Tracker.Track(loud);
        var b = Tracker.Track(quiet);

        Assert.That(a.F0Hz.ToArray().Concat(a.Periodicity.ToArray()), Is.All.Matches<float>(float.IsFinite));
        Assert.That(a.F0Hz[10], Is.EqualTo(240).Within(1).Percent);
        Assert.That(b.F0Hz[10], Is.EqualTo(240).Within(1).Percent);
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(300)]
    public void Track_VeryShortClip_GivesFiniteFrames(int samples)
    {
        var track = Tracker.Track(Tones((double)samples / Rate, Rate, (200, 0.5)));

        Assert.That(track.Frames, Is.EqualTo(1 + samples / 512));
        Assert.That(track.F0Hz.ToArray().Concat(track.Periodicity.ToArray()), Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Track_ConstantOffset_IsUnvoicedNotNaN()
    {
        var track = Tracker.Track(Enumerable.Repeat(0.3f, Rate / 2).ToArray());

        Assert.That(track.F0Hz.ToArray(), Is.All.EqualTo(0f));
        Assert.That(track.Periodicity.ToArray(), Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Track_NaNSample_IsRefused()
    {
        var signal = Tones(0.2, Rate, (200, 0.5));
        signal[100] = float.NaN;

        Assert.Throws<InvalidAudioException>(() => Tracker.Track(signal));
    }

    [Test]
    public void Track_SharedBetweenThreads_GivesTheSameTrackAsAlone()
    {
        var signals = Enumerable.Range(0, 16).Select(i => Tones(0.7, Rate, (100 + 20 * i, 0.5), (300 + 30 * i, 0.2))).ToArray();
        var alone = signals.Select(s => Tracker.Track(s).F0Hz.ToArray()).ToArray();

        var parallel = new float[signals.Length][];
        Parallel.For(0, signals.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Tracker.Track(signals[i]).F0Hz.ToArray());

        Assert.That(parallel, Is.EqualTo(alone));
    }

    [Test]
    public void Constructor_SequenceProfile_SearchesLags44To368Over656Samples()
    {
        Assert.That((Tracker.MinLag, Tracker.MaxLag, Tracker.IntegrationWindow), Is.EqualTo((44, 368, 656)));
    }
}
