using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Settings;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// The speaker perturbations the functionals model trains on (<see cref="FunctionalsTrainer.Perturbations"/>): what a mel
/// or F0 shift does to a clip's <see cref="ClipFunctionals"/>, and that the fit sees every clip under every one of them.
/// </summary>
[TestFixture]
public sealed class FunctionalsPerturbationTests
{
    private const int Bands = 8;
    private const int Frames = 30;
    private static readonly int Prosody = ClipFunctionals.Count(Bands) - ClipFunctionals.ProsodyCount;
    private static readonly int BandStd = 9 * Bands + Bands; // per-band std block: after 9 cepstral blocks and the band means

    /// <summary>Loud everywhere (nothing trimmed); the two top bands are equal, so a one-band shift up loses nothing at the edge.</summary>
    private static FeatureMatrix LogMel()
    {
        var random = new Random(3);
        var values = new float[Bands * Frames];
        for (int m = 0; m < Bands; m++)
            for (int t = 0; t < Frames; t++)
                values[m * Frames + t] = m == Bands - 1 ? values[(m - 1) * Frames + t] : (float)(-20 - m + 6 * random.NextDouble());
        return new FeatureMatrix(Bands, Frames, values);
    }

    private static PitchTrack Track()
    {
        var f0 = Enumerable.Range(0, Frames).Select(t => t % 4 == 0 ? 0f : 120f + 3 * t).ToArray();
        var periodicity = Enumerable.Range(0, Frames).Select(t => t % 4 == 0 ? 0.1f : 0.9f).ToArray();
        return new PitchTrack(f0, periodicity);
    }

    [Test]
    public void Perturbations_AreEveryCombinationOfOneBandAndOneSemitoneButNone()
    {
        Assert.That(FunctionalsTrainer.Perturbations, Has.Count.EqualTo(8));
        Assert.That(FunctionalsTrainer.Perturbations, Is.Unique);
        Assert.That(FunctionalsTrainer.Perturbations, Does.Not.Contain((0.0, 0.0)));
        Assert.That(FunctionalsTrainer.Perturbations.All(p => p.MelBands is -1 or 0 or 1 && p.Semitones is -1 or 0 or 1), Is.True);
    }

    [Test]
    public void Compute_NoShift_IsTheServedVectorBitForBit()
    {
        Assert.That(ClipFunctionals.Compute(LogMel(), Track(), 0, 0), Is.EqualTo(ClipFunctionals.Compute(LogMel(), Track())));
    }

    [Test]
    public void Compute_F0ShiftedOneSemitone_MovesTheF0LevelAndPercentilesOnlyByLn2Over12()
    {
        var plain = ClipFunctionals.Compute(LogMel(), Track());
        var shifted = ClipFunctionals.Compute(LogMel(), Track(), f0ShiftSemitones: 1);

        var step = Math.Log(2) / 12;
        foreach (var index in new[] { 1, 3, 4, 5, 6, 7 }) // ln F0 mean and its 5/25/50/75/95th percentiles
            Assert.That(shifted[Prosody + index] - plain[Prosody + index], Is.EqualTo(step).Within(1e-5), $"prosody {index}");
        // Spread, range and movement of ln F0 do not change with a constant shift; nothing spectral does either.
        foreach (var index in new[] { 2, 8, 9, 10 })
            Assert.That(shifted[Prosody + index], Is.EqualTo(plain[Prosody + index]).Within(1e-5), $"prosody {index}");
        Assert.That(shifted.Take(Prosody), Is.EqualTo(plain.Take(Prosody)));
    }

    [Test]
    public void Compute_MelShiftedOneBand_ReadsEachBandFromTheOneAbove()
    {
        var plain = ClipFunctionals.Compute(LogMel(), Track());
        var shifted = ClipFunctionals.Compute(LogMel(), Track(), melShiftBands: 1);

        // Per-band spreads are level-free: band m of the shifted clip is band m + 1 of the clip.
        for (int m = 0; m < Bands - 1; m++)
            Assert.That(shifted[BandStd + m], Is.EqualTo(plain[BandStd + m + 1]).Within(1e-4), $"band {m}");
        Assert.That(shifted, Is.Not.EqualTo(plain));
    }

    [Test]
    public void Compute_HalfBandShift_InterpolatesBetweenNeighbouringBands()
    {
        var logMel = LogMel();
        var half = ClipFunctionals.Compute(logMel, Track(), melShiftBands: 0.5);

        // The same clip with every band replaced by the mean of it and the band above, by hand.
        var values = new float[Bands * Frames];
        for (int m = 0; m < Bands; m++)
            for (int t = 0; t < Frames; t++)
                values[m * Frames + t] = (float)(0.5 * logMel[m, t] + 0.5 * logMel[Math.Min(m + 1, Bands - 1), t]);
        var byHand = ClipFunctionals.Compute(new FeatureMatrix(Bands, Frames, values), Track());

        Assert.That(half, Is.EqualTo(byHand).Within(1e-4));
    }

    [Test]
    public void Perturbed_IsComputeUnderEachPerturbationInOrder()
    {
        var perturbed = FunctionalsTrainer.Perturbed(LogMel(), Track(), floorDb: 40);

        Assert.That(perturbed, Has.Length.EqualTo(FunctionalsTrainer.Perturbations.Count));
        for (int i = 0; i < perturbed.Length; i++)
        {
            var (bands, semitones) = FunctionalsTrainer.Perturbations[i];
            Assert.That(perturbed[i], Is.EqualTo(ClipFunctionals.Compute(LogMel(), Track(), bands, semitones, floorDb: 40)));
        }
    }

    [Test]
    public void Fit_Recipe_TrainsOnEveryClipAsItIsAndUnderEveryPerturbation()
    {
        var random = new Random(9);
        float[] Vector() => Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble()).ToArray();
        var clips = Enumerable.Range(0, 16).Select(i =>
        {
            RavdessFileName.TryParse($"03-01-0{1 + i % 8}-01-01-01-{1 + i / 8:00}.wav", out var name);
            return new LabeledClip<SequenceExample>($"clip{i}.wav", name!, $"hash{i}", new SequenceExample(new FeatureMatrix(1, 1, [0f]), Vector(), [Vector(), Vector()]));
        }).ToArray();
        var options = SequenceTrainingOptions.OneNetwork.WithPitchRows() with { FunctionalsWeight = 0.25, FunctionalsL2 = 0.5 };

        var fitted = FunctionalsTrainer.Fit(clips, options)!;

        var expected = FunctionalsTrainer.Fit(
            clips.SelectMany(c => new[] { c.Features.Functionals! }.Concat(c.Features.PerturbedFunctionals!)).ToArray(),
            clips.SelectMany(c => Enumerable.Repeat((int)c.Emotion, 3)).ToArray(), Emotions.Count, 0.5, 0.25);
        Assert.That(fitted.Mean, Is.EqualTo(expected.Mean));
        Assert.That(fitted.Coefficients.SelectMany(r => r), Is.EqualTo(expected.Coefficients.SelectMany(r => r)));
        Assert.That((fitted.Weight, fitted.L2), Is.EqualTo((0.25, 0.5)));
    }
}
