using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.UnitTests.Audio;

namespace EmotionRecognition.UnitTests.Robustness;

/// <summary>
/// The bugs the first fuzz run found, each pinned by name (the raw inputs are in FuzzRegressions):
/// sample rates the resampler cannot handle (a division by zero above 11.3 MHz, minutes of work and
/// gigabytes at 1 Hz) and float samples so large that the float32 resampler overflowed into NaN features.
/// </summary>
public sealed class FuzzFindingTests
{
    [TestCase(1)]
    [TestCase(128)]
    [TestCase(FeaturePipeline.MinSampleRateHz - 1)]
    [TestCase(FeaturePipeline.MaxSampleRateHz + 1)]
    [TestCase(15_423_010)]   // the first crash: 0x00EB5622 Hz, a 700:1 down-sampling
    [TestCase(int.MaxValue)]
    public void WavWithSampleRateOutsideSupportedRange_IsRefusedNamingTheRange(int sampleRateHz)
    {
        var wav = WavBuilder.MonoPcm16(sampleRateHz, 1, 2, 3);
        var pipeline = new FeaturePipeline(FeatureProfile.Full);

        Assert.That(() => pipeline.ExtractMean(wav), Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo(
            $"The sample rate {sampleRateHz} Hz is outside the supported range 1000–768000 Hz."));
    }

    [TestCase(FeaturePipeline.MinSampleRateHz)]
    [TestCase(FeaturePipeline.MaxSampleRateHz)]
    public void FeaturePipeline_SampleRateAtTheLimits_GivesFiniteFeatures(int sampleRateHz)
    {
        var samples = Enumerable.Range(0, 4000).Select(n => (float)Math.Sin(n * 0.3)).ToArray();
        var clip = WavReader.Read(new WavBuilder().Format(3, 1, sampleRateHz, 32).Data(WavBuilder.Floats(samples)).Build());

        var means = new FeaturePipeline(FeatureProfile.Full).ExtractMean(clip);

        Assert.That(means, Has.Length.EqualTo(FeatureProfile.ContractMfccCount).And.All.Matches<float>(float.IsFinite));
    }

    [TestCase(0)]
    [TestCase(-44100)]
    [TestCase(FeaturePipeline.MaxSampleRateHz + 1)]
    public void FeaturePipeline_ClipWithUnsupportedRate_IsRefusedNamingTheRange(int sampleRateHz)
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);

        Assert.That(() => pipeline.ExtractMean(new AudioClip(new float[100], sampleRateHz)),
            Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo(
                $"The sample rate {sampleRateHz} Hz is outside the supported range 1000–768000 Hz."));
    }

    [Test]
    public void Resampler_RatioBeyond512To1_IsAnArgumentError()
    {
        Assert.That(() => Resampler.Resample(new float[10], 512 * 22050 + 512, 22050), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void FeaturePipeline_FloatSamplesNearFloatMax_AtAnotherRate_AreRefusedNotTurnedIntoNaN()
    {
        // Full-scale float32 is ±1; ±3.4e38 is legal IEEE but overflows resampy's float32 running sum.
        var samples = Enumerable.Repeat(float.MaxValue, 4000).ToArray();
        var pipeline = new FeaturePipeline(FeatureProfile.Full);

        Assert.That(() => pipeline.ExtractMean(new AudioClip(samples, 16000)),
            Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo(
                "The audio's samples are too large to resample (far beyond full scale ±1)."));
    }

    [Test]
    public void FeaturePipeline_FloatSamplesNearFloatMax_AtTheProfileRate_GiveFiniteFeatures()
    {
        // No resampling, and the double-precision spectrum has room for them: (2048 · 3.4e38)² ≈ 5e83.
        var samples = Enumerable.Repeat(float.MaxValue, 4000).ToArray();

        var means = new FeaturePipeline(FeatureProfile.Full).ExtractMean(new AudioClip(samples, 22050));

        Assert.That(means, Has.All.Matches<float>(float.IsFinite));
    }
}
