using System.Collections.Concurrent;
using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.UnitTests.Audio;

namespace EmotionRecognition.UnitTests.Features;

public sealed class FeaturePipelineTests
{
    private static readonly double SilenceC0 = -100 * Math.Sqrt(128);   // −1131.37: every band at −100 dB

    private static AudioClip Speechlike(int sampleRateHz, double seconds, int seed)
    {
        // A deterministic buzz: harmonics of a wobbling 120–180 Hz pitch under a syllable-rate envelope, plus noise.
        var random = new Random(seed);
        var samples = new float[(int)(sampleRateHz * seconds)];
        var phase = 0.0;
        for (var n = 0; n < samples.Length; n++)
        {
            var time = (double)n / sampleRateHz;
            phase += 2 * Math.PI * (150 + 30 * Math.Sin(2 * Math.PI * 3 * time)) / sampleRateHz;
            var voice = 0.0;
            for (var h = 1; h <= 20; h++)
                voice += Math.Sin(h * phase) / h;
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * time);
            samples[n] = (float)(0.2 * envelope * voice + 0.01 * (random.NextDouble() - 0.5));
        }

        return new AudioClip(samples, sampleRateHz);
    }

    [Test]
    public void ExtractMfcc_Compat22050Hz_Has25CoefficientsBy108Frames()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        var mfcc = pipeline.ExtractMfcc(Speechlike(22050, 3.7, 1));

        // 2.5 s at 22 050 Hz = 55 125 samples → 1 + 55125/512 = 108 frames.
        Assert.That(mfcc.Rows, Is.EqualTo(FeatureProfile.ContractMfccCount));
        Assert.That(mfcc.Frames, Is.EqualTo(108));
    }

    [Test]
    public void ExtractMfcc_Compat48kHz_CutsAtNativeRateThenResamples()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        var mfcc = pipeline.ExtractMfcc(Speechlike(48000, 3.7, 2));

        // 120 000 native samples → ⌈120000·22050/48000⌉ = 55 125 → 108 frames.
        Assert.That(mfcc.Frames, Is.EqualTo(108));
    }

    [Test]
    public void ExtractMfcc_Full_CoversTheWholeClip()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);

        var mfcc = pipeline.ExtractMfcc(Speechlike(22050, 3.7, 3));

        Assert.That(mfcc.Frames, Is.EqualTo(1 + 81585 / 512));
    }

    [Test]
    public void ExtractMfcc_OffsetPastTheEnd_IsLibrosasSingleSilentFrame()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        var mfcc = pipeline.ExtractMfcc(Speechlike(22050, 0.5, 4));

        Assert.That(mfcc.Rows, Is.EqualTo(25));
        Assert.That(mfcc.Frames, Is.EqualTo(1));
        Assert.That(mfcc[0, 0], Is.EqualTo(SilenceC0).Within(1e-3));
        for (var k = 1; k < 25; k++)
            Assert.That(mfcc[k, 0], Is.EqualTo(0.0).Within(1e-9), $"c{k}");
    }

    [Test]
    public void ExtractMean_OffsetPastTheEndAt16kHz_IsLibrosasSilentResultWithoutResampling()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        var means = pipeline.ExtractMean(new AudioClip(new float[8000], 16000));

        Assert.That(means, Has.Length.EqualTo(25));
        Assert.That(means[0], Is.EqualTo(SilenceC0).Within(1e-3));
        Assert.That(means[1..], Has.All.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void ExtractMean_Silence_IsTheSameSilentVector()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        var means = pipeline.ExtractMean(new AudioClip(new float[22050 * 4], 22050));

        Assert.That(means[0], Is.EqualTo(SilenceC0).Within(1e-3));
        Assert.That(means[1..], Has.All.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void ExtractMean_EqualsMeanOverFramesOfExtractMfcc()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);
        var clip = Speechlike(16000, 3.7, 5);

        var means = pipeline.ExtractMean(clip);
        var fromMatrix = pipeline.ExtractMfcc(clip).MeanOverFrames();

        Assert.That(means, Is.EqualTo(fromMatrix).Within(1e-4));
    }

    [Test]
    public void ExtractMean_WavBytes_EqualsReaderThenClip()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);
        var wav = File.ReadAllBytes(TestData.GoldenWav("speech_16000_s16.wav"));

        Assert.That(pipeline.ExtractMean(wav), Is.EqualTo(pipeline.ExtractMean(WavReader.Read(wav))));
    }

    [Test]
    public void ExtractMean_NotAWav_ThrowsInvalidAudio()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);

        Assert.That(() => pipeline.ExtractMean("hello world!"u8), Throws.TypeOf<InvalidAudioException>());
    }

    [Test]
    public void ExtractMean_NaNSampleInWindow_ThrowsInvalidAudio()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);
        var samples = new float[22050 * 4];
        samples[30000] = float.NaN;
        var wav = new WavBuilder().Format(3, 1, 22050, 32).Data(WavBuilder.Floats(samples)).Build();

        Assert.That(() => pipeline.ExtractMean(wav),
            Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo("The audio contains samples that are not finite (NaN or infinity)."));
    }

    [Test]
    public void ExtractMean_LoudestFloatSamples_StayFinite()
    {
        // float32 audio cannot overflow the double-precision power spectrum: (2048 · 3.4e38)² ≈ 5e83.
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        var samples = Enumerable.Range(0, 4096).Select(n => n % 2 == 0 ? float.MaxValue : float.MinValue).ToArray();

        var means = pipeline.ExtractMean(new AudioClip(samples, 22050));

        Assert.That(means.All(float.IsFinite), Is.True);
    }

    [TestCase(999)]
    [TestCase(768_001)]
    public void ExtractMean_SampleRateOutsideSupportedRange_ThrowsInvalidAudio(int sampleRateHz)
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        var wav = WavBuilder.MonoPcm16(sampleRateHz, 1, 2, 3, 4);

        Assert.That(() => pipeline.ExtractMean(wav), Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo(
            $"The sample rate {sampleRateHz} Hz is outside the supported range 1000–768000 Hz."));
    }

    [TestCase(1000)]
    [TestCase(768_000)]
    public void ExtractMean_SampleRateAtTheSupportedLimits_IsAnalysed(int sampleRateHz)
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        var clip = Speechlike(sampleRateHz, 0.5, 7);

        var means = pipeline.ExtractMean(clip);

        Assert.That(means, Has.Length.EqualTo(25));
        Assert.That(means.All(float.IsFinite), Is.True);
    }

    [Test]
    public void ExtractLogMel_HasMelBandsRowsAndItsDctIsTheMfcc()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);
        var clip = Speechlike(22050, 3.7, 6);

        var logMel = pipeline.ExtractLogMel(clip);
        var mfcc = pipeline.ExtractMfcc(clip);

        Assert.That(logMel.Rows, Is.EqualTo(128));
        Assert.That(logMel.Frames, Is.EqualTo(mfcc.Frames));
        var max = logMel.Values.ToArray().Max();
        Assert.That(logMel.Values.ToArray(), Has.All.GreaterThanOrEqualTo(max - 80 - 1e-3), "top_db floor");

        var dct = new Dct(128, 25);
        var column = new double[128];
        var coefficients = new double[25];
        foreach (var t in new[] { 0, 50, mfcc.Frames - 1 })
        {
            for (var m = 0; m < 128; m++)
                column[m] = logMel[m, t];
            dct.Transform(column, coefficients);
            for (var k = 0; k < 25; k++)
                Assert.That(mfcc[k, t], Is.EqualTo(coefficients[k]).Within(1e-3), $"frame {t}, c{k}");
        }
    }

    [Test]
    public void ExtractMfcc_OneInstanceFromManyThreads_GivesIdenticalResults()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Compat);
        var clips = Enumerable.Range(0, 4).Select(i => Speechlike(i % 2 == 0 ? 22050 : 48000, 3.7, 10 + i)).ToArray();
        var expected = clips.Select(c => pipeline.ExtractMfcc(c).Values.ToArray()).ToArray();
        var results = new ConcurrentBag<(int Clip, float[] Values)>();

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var clip = i % clips.Length;
            results.Add((clip, pipeline.ExtractMfcc(clips[clip]).Values.ToArray()));
        });

        Assert.That(results, Has.Count.EqualTo(64));
        foreach (var (clip, values) in results)
            Assert.That(values, Is.EqualTo(expected[clip]), $"clip {clip}");
    }

    [Test]
    public void Constructor_ProfileFromAnotherFeatureVersion_IsRefusedWithRetrainAdvice()
    {
        var stale = FeatureProfile.Compat with { Version = FeatureProfile.CurrentVersion + 1 };

        Assert.That(() => new FeaturePipeline(stale),
            Throws.ArgumentException.With.Message.Contains("retrain the model"));
    }

    [TestCase(1000, "FFT size must be a power of two")]
    public void Constructor_FftSizeNotPowerOfTwo_IsRefused(int fftSize, string problem)
    {
        Assert.That(() => new FeaturePipeline(FeatureProfile.Compat with { FftSize = fftSize }),
            Throws.ArgumentException.With.Message.Contains(problem));
    }

    [Test]
    public void Constructor_MoreCoefficientsThanBands_IsRefused()
    {
        Assert.That(() => new FeaturePipeline(FeatureProfile.Compat with { CoefficientCount = 129 }),
            Throws.ArgumentException.With.Message.Contains("coefficient count"));
    }

    [Test]
    public void FeatureMatrix_RowMajorIndexer_ReadsCoefficientThenFrame()
    {
        var matrix = new FeatureMatrix(2, 3, [1, 2, 3, 4, 5, 6]);

        Assert.That(matrix[1, 0], Is.EqualTo(4f));
        Assert.That(matrix[0, 2], Is.EqualTo(3f));
        Assert.That(matrix.MeanOverFrames(), Is.EqualTo(new[] { 2f, 5f }));
        Assert.That(() => matrix[2, 0], Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void FeatureMatrix_WrongValueCount_IsRejected()
    {
        Assert.That(() => new FeatureMatrix(2, 3, new float[5]), Throws.ArgumentException);
    }

    [TestCase("tone_22050_s16.sr22050.orig.constant.json", "tone_22050_s16.wav")]
    [TestCase("tone_16000_s16.sr22050.orig.constant.json", "tone_16000_s16.wav")]
    public void FirstFrame_EachStage_MatchesLibrosaDump(string dump, string wavName)
    {
        // Where a mismatch starts: power spectrum, mel power, dB and MFCC of frame 0, stage by stage.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.GoldenJsonDirectory, "debug", dump)));
        var stages = json.RootElement.GetProperty("first_frames");
        double[] Stage(string name) => stages.GetProperty(name)[0].EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var globalMaxDb = json.RootElement.GetProperty("log_mel_global_max_db").GetDouble();

        var clip = WavReader.ReadFile(TestData.GoldenWav(wavName));
        var y = Resampler.Resample(clip.Samples.AsSpan(clip.SampleRateHz, (int)(2.5 * clip.SampleRateHz)), clip.SampleRateHz, 22050);
        var window = Window.PeriodicHann(2048);
        var frame = new double[2048];
        for (var j = 1024; j < 2048; j++)
            frame[j] = window[j] * y[j - 1024];   // frame 0 is centred on sample 0: left half is padding
        var fft = new RealFft(2048);
        var power = new double[1025];
        fft.PowerSpectrum(frame, power);
        var mel = new double[128];
        new MelFilterbank(22050, 2048, 128, 0, 11025).Apply(power, mel);
        var db = mel.Select(p => Math.Max(10 * Math.Log10(Math.Max(1e-10, p)), globalMaxDb - 80)).ToArray();
        var mfcc = new double[25];
        new Dct(128, 25).Transform(db, mfcc);

        AssertClose(power, Stage("power_spectrogram"), 1e-4, "power");
        AssertClose(mel, Stage("mel_power"), 1e-4, "mel power");
        AssertClose(db, Stage("log_mel_db"), 1e-5, "dB");
        AssertClose(mfcc, Stage("mfcc"), 1e-5, "mfcc");
    }

    /// <summary>|actual − expected| ≤ tolerance · max(1, |expected|), element by element.</summary>
    private static void AssertClose(double[] actual, double[] expected, double tolerance, string stage)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), stage);
        for (var i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tolerance * Math.Max(1, Math.Abs(expected[i]))), $"{stage}[{i}]");
    }

    [Test]
    public void For_SameProfileTwice_ReturnsTheOneSharedPipeline()
    {
        var first = FeaturePipeline.For(FeatureProfile.Compat);

        Assert.That(FeaturePipeline.For(FeatureProfile.Compat with { }), Is.SameAs(first));
        Assert.That(FeaturePipeline.For(FeatureProfile.Full), Is.Not.SameAs(first));
    }
}
