using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Tests.Shared;

namespace EmotionRecognition.UnitTests.Features;

/// <summary>
/// The sequence networks' input hardly changes when the same clip arrives much quieter (a distant or low-gain microphone)
/// and is stored as 16-bit PCM: the level floor (<see cref="FeatureProfile.FloorDb"/>) keeps the quantisation noise that
/// then fills the pauses out of the per-utterance statistics.
/// </summary>
public sealed class LevelInvarianceTests
{
    private static readonly FeaturePipeline Pipeline = FeaturePipeline.For(FeatureProfile.SequencePitch);

    /// <summary>RMS difference of two prepared inputs over their common leading frames (trimming may differ by a frame).</summary>
    private static double Difference(FeatureMatrix a, FeatureMatrix b)
    {
        var frames = Math.Min(a.Frames, b.Frames);
        var sum = 0.0;
        for (var m = 0; m < a.Rows; m++)
        {
            var ra = a.Row(m);
            var rb = b.Row(m);
            for (var t = 0; t < frames; t++)
                sum += (ra[t] - rb[t]) * (double)(ra[t] - rb[t]);
        }
        return Math.Sqrt(sum / (a.Rows * frames));
    }

    private static double[] Differences(FeaturePipeline pipeline, double gainDb)
    {
        var clips = QuietRecordings.Clips(Path.GetFullPath(Path.Combine(TestData.RepoRoot, "..", "shared"))).ToArray();
        Assume.That(clips, Is.Not.Empty, "../shared/ravdess is missing: the level-invariance property needs real speech.");
        return clips.AsParallel().AsOrdered().Select(path =>
        {
            var clip = WavReader.ReadFile(path);
            return Difference(pipeline.Sequence(pipeline.Analyse(clip)).Sequence, pipeline.Sequence(pipeline.Analyse(QuietRecordings.Quieter(clip, gainDb))).Sequence);
        }).ToArray();
    }

    [Test]
    public void Sequence_ClipThirtyDbQuieterIn16Bit_IsNearlyTheSameInput()
    {
        var differences = Differences(Pipeline, -30);

        // The input is normalised per band (unit variance), so 0.05 is 5 % of a band's spread.
        Assert.That(QuietRecordings.Quantile(differences, 0.5), Is.LessThan(0.05), "median RMS difference");
        Assert.That(QuietRecordings.Quantile(differences, 0.95), Is.LessThan(0.2), "95th percentile");
    }

    [Test]
    public void Sequence_ClipFortyDbQuieterIn16Bit_StaysClose()
    {
        var differences = Differences(Pipeline, -40);

        Assert.That(QuietRecordings.Quantile(differences, 0.5), Is.LessThan(0.15), "median RMS difference");
    }

    [Test]
    public void Sequence_WithoutTheFloor_ClipThirtyDbQuieterMovesTheInput()
    {
        // What the floor buys: the same profile without it moves several times as far.
        var differences = Differences(FeaturePipeline.For(FeatureProfile.SequencePitch with { FloorDb = 0 }), -30);

        Assert.That(QuietRecordings.Quantile(differences, 0.5), Is.GreaterThan(0.1), "median RMS difference without the floor");
    }

    [Test]
    public void Functionals_ClipThirtyDbQuieterIn16Bit_AreNearlyTheSame()
    {
        var clips = QuietRecordings.Clips(Path.GetFullPath(Path.Combine(TestData.RepoRoot, "..", "shared"))).Take(40).ToArray();
        Assume.That(clips, Is.Not.Empty, "../shared/ravdess is missing: the level-invariance property needs real speech.");
        var worst = clips.AsParallel().Select(path =>
        {
            var clip = WavReader.ReadFile(path);
            var clean = Pipeline.Sequence(Pipeline.Analyse(clip)).Functionals!;
            var quiet = Pipeline.Sequence(Pipeline.Analyse(QuietRecordings.Quieter(clip, -30))).Functionals!;
            return clean.Zip(quiet).Select(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First))).Order().ElementAt(clean.Length * 9 / 10);
        }).Max();

        // Nine in ten statistics of every clip move by less than 15 % (relative, or absolute below 1); measured worst 10.1 %.
        Assert.That(worst, Is.LessThan(0.15));
    }
}
