using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

/// <summary>
/// <see cref="ClipFunctionals"/>: the fixed-length clip statistics the functionals model reads. Offsets follow the layout
/// in its summary: for C = min(40, B) cepstral coefficients, 9 blocks of C, then 3 blocks of B (mel mean, std, std of Δ),
/// then the 21 prosody statistics.
/// </summary>
public sealed class ClipFunctionalsTests
{
    // Prosody offsets, relative to 9C + 3B.
    private const int VoicedShare = 0;
    private const int LnF0Mean = 1;
    private const int LnF0Std = 2;
    private const int LnF0P5 = 3;
    private const int LnF0P25 = 4;
    private const int LnF0P50 = 5;
    private const int LnF0P75 = 6;
    private const int LnF0P95 = 7;
    private const int LnF0Range = 8;
    private const int LnF0StepMeanAbs = 9;
    private const int LnF0StepStd = 10;
    private const int PeriodicityMean = 11;
    private const int PeriodicityStd = 12;
    private const int VoicedPeriodicityMean = 13;
    private const int LnFrames = 14;
    private const int LevelStd = 15;
    private const int LevelStepStd = 16;
    private const int LevelP10 = 17;
    private const int LevelP50 = 18;
    private const int LevelP90 = 19;
    private const int LevelShareAboveMedian = 20;

    private static int ProsodyStart(int bands) => 9 * Math.Min(ClipFunctionals.CepstralCoefficients, bands) + 3 * bands;

    /// <summary>[bands, frames] log-mel at −25 dB ± 5 dB (so no frame is trimmed as silence), reproducible from <paramref name="seed"/>.</summary>
    private static FeatureMatrix RandomLogMel(int bands, int frames, int seed)
    {
        var random = new Random(seed);
        var values = new float[bands * frames];
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)(-25 + 10 * (random.NextDouble() - 0.5));
        return new FeatureMatrix(bands, frames, values);
    }

    private static PitchTrack RandomTrack(int frames, int seed)
    {
        var random = new Random(seed);
        var f0 = new float[frames];
        var periodicity = new float[frames];
        for (var t = 0; t < frames; t++)
        {
            var voiced = random.NextDouble() < 0.6;
            f0[t] = voiced ? (float)(100 + 200 * random.NextDouble()) : 0;
            periodicity[t] = (float)(voiced ? 0.5 + 0.5 * random.NextDouble() : 0.3 * random.NextDouble());
        }

        return new PitchTrack(f0, periodicity);
    }

    private static FeatureMatrix Flat(int bands, int frames, float db) =>
        new(bands, frames, Enumerable.Repeat(db, bands * frames).ToArray());

    private static PitchTrack Unvoiced(int frames) => new(new float[frames], new float[frames]);

    /// <summary>
    /// Two bands, four frames, within 10 dB of each other (no trimming). The clip's mean level is −172/8 = −21.5 dB, so the
    /// level-relative values are band 0: [1.5, 3.5, −0.5, 1.5], band 1: [−2.5, 1.5, −4.5, −0.5].
    /// </summary>
    private static FeatureMatrix TinyLogMel() =>
        new(2, 4, [-20, -18, -22, -20, -24, -20, -26, -22]);

    [Test]
    public void Count_IsNineCepstralBlocksThreeBandBlocksAndTheProsody()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ClipFunctionals.Count(64), Is.EqualTo(9 * 40 + 3 * 64 + 21).And.EqualTo(573));
            Assert.That(ClipFunctionals.Count(20), Is.EqualTo(9 * 20 + 3 * 20 + 21).And.EqualTo(261));
        });
    }

    [TestCase(64)]
    [TestCase(20)]
    [TestCase(2)]
    public void Compute_VectorHasCountLengthAndOnlyFiniteValues(int bands)
    {
        var vector = ClipFunctionals.Compute(RandomLogMel(bands, 50, seed: bands), RandomTrack(50, seed: bands + 1));

        Assert.That(vector, Has.Length.EqualTo(ClipFunctionals.Count(bands)));
        Assert.That(vector, Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Compute_FlatLogMelWithNoVoicedFrame_IsFiniteAndDescribesNoPitchAndNoMovement()
    {
        var vector = ClipFunctionals.Compute(Flat(64, 30, -40), Unvoiced(30));

        Assert.That(vector, Has.Length.EqualTo(573));
        Assert.That(vector, Is.All.Matches<float>(float.IsFinite));
        var prosody = vector.AsSpan(ProsodyStart(64)).ToArray();
        // Everything is 0 except ln(frames): a flat, level-relative log-mel is 0 everywhere, and there is no pitch.
        var expected = new float[21];
        expected[LnFrames] = (float)Math.Log(30);
        Assert.That(prosody, Is.EqualTo(expected).Within(1e-6f));
        Assert.That(vector.AsSpan(0, ProsodyStart(64)).ToArray(), Is.All.EqualTo(0f).Within(1e-5f));
    }

    [Test]
    public void Compute_SingleFrame_IsFinite()
    {
        var vector = ClipFunctionals.Compute(new FeatureMatrix(20, 1, Enumerable.Range(0, 20).Select(m => -20f - m / 4f).ToArray()),
            new PitchTrack([150], [0.9f]));

        Assert.That(vector, Has.Length.EqualTo(261));
        Assert.That(vector, Is.All.Matches<float>(float.IsFinite));
        Assert.That(vector[ProsodyStart(20) + LnFrames], Is.EqualTo(0f), "ln 1");
        Assert.That(vector[ProsodyStart(20) + VoicedShare], Is.EqualTo(1f));
    }

    [Test]
    public void Compute_ConstantGainAdded_GivesTheSameVector()
    {
        var logMel = RandomLogMel(64, 60, seed: 7);
        var track = RandomTrack(60, seed: 8);
        var louder = new FeatureMatrix(64, 60, logMel.Values.ToArray().Select(v => v + 17.25f).ToArray());

        var quiet = ClipFunctionals.Compute(logMel, track);
        var loud = ClipFunctionals.Compute(louder, track);

        Assert.That(loud, Is.EqualTo(quiet).Within(1e-4f));
        Assert.That(quiet.Take(ProsodyStart(64)).Max(Math.Abs), Is.GreaterThan(1f), "the spectral statistics are not trivially 0");
    }

    [Test]
    public void Compute_DifferentSpectra_GiveDifferentVectors()
    {
        var track = RandomTrack(40, seed: 3);

        var a = ClipFunctionals.Compute(RandomLogMel(64, 40, seed: 1), track);
        var b = ClipFunctionals.Compute(RandomLogMel(64, 40, seed: 2), track);

        Assert.That(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)), Is.GreaterThan(0.1f));
    }

    [Test]
    public void Compute_MelBandBlocks_AreMeanStdAndStdOfDeltaOfTheLevelRelativeLogMel()
    {
        var vector = ClipFunctionals.Compute(TinyLogMel(), Unvoiced(4));

        // C = min(40, 2) = 2, so the band blocks start at 9C = 18.
        // Level-relative (see TinyLogMel): band 0 [1.5, 3.5, −0.5, 1.5], band 1 [−2.5, 1.5, −4.5, −0.5].
        //   mean:       1.5, −1.5
        //   std:        band 0 deviations [0, 2, −2, 0] → √(8/4) = √2;  band 1 [−1, 3, −3, 1] → √(20/4) = √5
        //   std of Δ:   band 0 Δ [2, −4, 2], mean 0 → √(24/3) = √8;
        //               band 1 Δ [4, −6, 4], mean 2/3, deviations [10/3, −20/3, 10/3] → √((600/9)/3) = √(200/9)
        Assert.That(vector.AsSpan(18, 6).ToArray(),
            Is.EqualTo(new[] { 1.5f, -1.5f, (float)Math.Sqrt(2), (float)Math.Sqrt(5), (float)Math.Sqrt(8), (float)Math.Sqrt(200.0 / 9) })
                .Within(1e-5f));
    }

    [Test]
    public void Compute_CepstralBlocks_AreTheStatisticsOfTheOrthonormalDctOfEachFrame()
    {
        var vector = ClipFunctionals.Compute(TinyLogMel(), Unvoiced(4));

        // Orthonormal DCT-II of two values x0, x1: c0 = (x0 + x1)/√2, c1 = (x0 − x1)/√2.
        // Per frame, from the level-relative bands:  c0 = [−1, 5, −5, 1]/√2,  c1 = [4, 2, 4, 2]/√2.
        var r = 1 / Math.Sqrt(2);
        double[] expected =
        [
            // mean: sums 0 and 12 over 4 frames
            0, 3 * r,
            // std: c0 mean square (1 + 25 + 25 + 1)/4 = 13 → √13·r;  c1 deviations ±1 → r
            Math.Sqrt(13) * r, r,
            // 10th percentile (position 0.3): c0 sorted [−5, −1, 1, 5] → −5 + 0.3·4 = −3.8;  c1 sorted [2, 2, 4, 4] → 2
            -3.8 * r, 2 * r,
            // 50th (position 1.5): 0 and 3
            0, 3 * r,
            // 90th (position 2.7): 1 + 0.7·4 = 3.8 and 4
            3.8 * r, 4 * r,
            // slope: Σ c·(t − 1.5) / Σ (t − 1.5)² = −2/5 for both
            -0.4 * r, -0.4 * r,
            // std of Δ (r² = 1/2): c0 Δ [6, −10, 6]·r, deviations [16, −32, 16]/3·r → √(1536/9 · 1/2 / 3) = √(256/9) = 16/3;
            //                   c1 Δ [−2, 2, −2]·r, deviations [−4, 8, −4]/3·r → √(96/9 · 1/2 / 3) = √(16/9) = 4/3
            16.0 / 3, 4.0 / 3,
            // mean |Δ|: 22/3·r and 2·r
            22.0 / 3 * r, 2 * r,
            // std of Δ²: c0 Δ² [−16, 16]·r → 16·r;  c1 Δ² [4, −4]·r → 4·r
            16 * r, 4 * r,
        ];
        Assert.That(vector.AsSpan(0, 18).ToArray(), Is.EqualTo(expected.Select(v => (float)v).ToArray()).Within(1e-5f));
    }

    [Test]
    public void Compute_FrameLevelStatistics_DescribeTheLoudestBandPerFrame()
    {
        var vector = ClipFunctionals.Compute(TinyLogMel(), Unvoiced(4));
        var prosody = vector.AsSpan(ProsodyStart(2), 21).ToArray();

        // Loudest level-relative band per frame: band 0 throughout, [1.5, 3.5, −0.5, 1.5]; sorted [−0.5, 1.5, 1.5, 3.5].
        Assert.Multiple(() =>
        {
            Assert.That(prosody[LevelStd], Is.EqualTo((float)Math.Sqrt(2)).Within(1e-5f), "deviations [0, 2, −2, 0]");
            Assert.That(prosody[LevelStepStd], Is.EqualTo((float)Math.Sqrt(8)).Within(1e-5f), "Δ [2, −4, 2]");
            Assert.That(prosody[LevelP10], Is.EqualTo(0.1f).Within(1e-5f), "position 0.3: −0.5 + 0.3·2");
            Assert.That(prosody[LevelP50], Is.EqualTo(1.5f).Within(1e-5f), "position 1.5");
            Assert.That(prosody[LevelP90], Is.EqualTo(2.9f).Within(1e-5f), "position 2.7: 1.5 + 0.7·2");
            Assert.That(prosody[LevelShareAboveMedian], Is.EqualTo(0.25f), "only 3.5 is above 1.5");
            Assert.That(prosody[LnFrames], Is.EqualTo((float)Math.Log(4)).Within(1e-6f));
        });
    }

    [Test]
    public void Compute_PitchStatistics_AreOfLnF0OverVoicedFramesWithLinearPercentiles()
    {
        // Six frames; frames 1–4 voiced at 100, 200, 800, 400 Hz, i.e. ln F0 = ln 100 + k·ln 2 with k = [0, 1, 3, 2].
        var track = new PitchTrack([0, 100, 200, 800, 400, 0], [0.1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.2f]);

        var vector = ClipFunctionals.Compute(Flat(2, 6, -30), track);
        var prosody = vector.AsSpan(ProsodyStart(2), 21).ToArray();

        double ln100 = Math.Log(100), ln2 = Math.Log(2);
        Assert.Multiple(() =>
        {
            Assert.That(prosody[VoicedShare], Is.EqualTo(4f / 6).Within(1e-6f));
            // k sorted [0, 1, 2, 3]: mean 1.5, population variance 1.25.
            Assert.That(prosody[LnF0Mean], Is.EqualTo((float)(ln100 + 1.5 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0Std], Is.EqualTo((float)(Math.Sqrt(1.25) * ln2)).Within(1e-5f));
            // numpy 'linear': position q/100 · 3 between the sorted k values → k = 0.15, 0.75, 1.5, 2.25, 2.85.
            Assert.That(prosody[LnF0P5], Is.EqualTo((float)(ln100 + 0.15 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0P25], Is.EqualTo((float)(ln100 + 0.75 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0P50], Is.EqualTo((float)(ln100 + 1.5 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0P75], Is.EqualTo((float)(ln100 + 2.25 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0P95], Is.EqualTo((float)(ln100 + 2.85 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0Range], Is.EqualTo((float)(2.7 * ln2)).Within(1e-5f));
            // Steps between the consecutive voiced frames: k Δ = [1, 2, −1] → mean |Δ| 4/3; mean 2/3,
            // deviations [1/3, 4/3, −5/3] → variance (1 + 16 + 25)/9/3 = 14/9.
            Assert.That(prosody[LnF0StepMeanAbs], Is.EqualTo((float)(4.0 / 3 * ln2)).Within(1e-5f));
            Assert.That(prosody[LnF0StepStd], Is.EqualTo((float)(Math.Sqrt(14) / 3 * ln2)).Within(1e-5f));
            // Periodicity [0.1, 0.9, 0.8, 0.7, 0.6, 0.2]: mean 3.3/6 = 0.55, squared deviations sum 0.535 → √(0.535/6);
            // over the voiced frames (0.9 + 0.8 + 0.7 + 0.6)/4 = 0.75.
            Assert.That(prosody[PeriodicityMean], Is.EqualTo(0.55f).Within(1e-6f));
            Assert.That(prosody[PeriodicityStd], Is.EqualTo((float)Math.Sqrt(0.535 / 6)).Within(1e-6f));
            Assert.That(prosody[VoicedPeriodicityMean], Is.EqualTo(0.75f).Within(1e-6f));
            Assert.That(prosody[LnFrames], Is.EqualTo((float)Math.Log(6)).Within(1e-6f));
        });
    }

    [Test]
    public void Compute_FewerThanMinVoicedFrames_GivesZeroF0StatisticsButKeepsVoicingAndPeriodicity()
    {
        Assert.That(ClipFunctionals.MinVoicedFrames, Is.EqualTo(3), "the track below has one voiced frame too few");
        var track = new PitchTrack([0, 180, 0, 220, 0], [0.2f, 0.8f, 0.2f, 0.6f, 0.2f]);

        var prosody = ClipFunctionals.Compute(Flat(4, 5, -20), track).AsSpan(ProsodyStart(4), 21).ToArray();

        Assert.That(prosody[LnF0Mean..(LnF0StepStd + 1)], Is.All.EqualTo(0f), "ln F0 mean, std, percentiles, range and steps");
        Assert.Multiple(() =>
        {
            Assert.That(prosody[VoicedShare], Is.EqualTo(0.4f).Within(1e-6f));
            Assert.That(prosody[VoicedPeriodicityMean], Is.EqualTo(0.7f).Within(1e-6f));
        });
    }

    [Test]
    public void Compute_ExactlyMinVoicedFrames_DescribesThePitch()
    {
        var track = new PitchTrack([0, 180, 0, 220, 200], [0.2f, 0.8f, 0.2f, 0.6f, 0.7f]);

        var prosody = ClipFunctionals.Compute(Flat(4, 5, -20), track).AsSpan(ProsodyStart(4), 21).ToArray();

        Assert.That(prosody[LnF0Mean], Is.EqualTo((float)((Math.Log(180) + Math.Log(220) + Math.Log(200)) / 3)).Within(1e-5f));
    }

    [Test]
    public void Compute_SilenceAroundSpeech_DescribesOnlyTheSpeechSpan()
    {
        // Frames 10–29 loud, the rest 80 dB down: SpeechSpan keeps 8–31 (the margin is 2 frames).
        const int bands = 16, frames = 40;
        var random = new Random(5);
        var values = new float[bands * frames];
        for (var m = 0; m < bands; m++)
        {
            for (var t = 0; t < frames; t++)
                values[m * frames + t] = (float)((t is >= 10 and < 30 ? -20 : -100) + 4 * random.NextDouble());
        }

        var logMel = new FeatureMatrix(bands, frames, values);
        var track = RandomTrack(frames, seed: 6);
        var (start, count) = SequenceFeatures.SpeechSpan(logMel);
        Assert.That((start, count), Is.EqualTo((8, 24)));

        var whole = ClipFunctionals.Compute(logMel, track);
        var speech = ClipFunctionals.Compute(SequenceFeatures.Frames(logMel, start, count),
            new PitchTrack(track.F0Hz.Slice(start, count), track.Periodicity.Slice(start, count)));

        Assert.That(whole, Is.EqualTo(speech));
        Assert.That(whole[ProsodyStart(bands) + LnFrames], Is.EqualTo((float)Math.Log(24)).Within(1e-6f));
    }

    [Test]
    public void Compute_LevelFloor_CountsTheWholeClipAsTheNetworkInputDoes()
    {
        // Speech 20 frames long between digital silence 100 dB down: trimmed without a floor, kept at the floor with one.
        const int bands = 64, frames = 60;
        var logMel = new FeatureMatrix(bands, frames,
            Enumerable.Range(0, bands * frames).Select(i => i % frames is >= 20 and < 40 ? -20f + (i % 7) : -120f).ToArray());

        var plain = ClipFunctionals.Compute(logMel, Unvoiced(frames));
        var floored = ClipFunctionals.Compute(logMel, Unvoiced(frames), floorDb: 40);

        Assert.That(plain[ProsodyStart(bands) + LnFrames], Is.EqualTo((float)Math.Log(20 + 2 * SequenceFeatures.TrimMarginFrames)).Within(1e-6f));
        Assert.That(floored[ProsodyStart(bands) + LnFrames], Is.EqualTo((float)Math.Log(frames)).Within(1e-6f));
    }

    [Test]
    public void Compute_TrackOnADifferentFrameGrid_IsRefusedNamingBothCounts()
    {
        Assert.That(() => ClipFunctionals.Compute(RandomLogMel(8, 37, seed: 1), Unvoiced(41)),
            Throws.ArgumentException.With.Message.Contains("41").And.Message.Contains("37"));
    }

    [Test]
    public void Compute_EmptyLogMel_IsRefused()
    {
        Assert.That(() => ClipFunctionals.Compute(new FeatureMatrix(8, 0, []), Unvoiced(0)),
            Throws.ArgumentException.With.Message.Contains("no frames"));
    }

    [Test]
    public void Percentile_InterpolatesLinearlyBetweenSortedValuesLikeNumpy()
    {
        // np.percentile([4, 1, 3, 2], q): sorted [1, 2, 3, 4], position q/100 · 3.
        double[] values = [4, 1, 3, 2];

        Assert.Multiple(() =>
        {
            Assert.That(ClipFunctionals.Percentile(values, 0), Is.EqualTo(1));
            Assert.That(ClipFunctionals.Percentile(values, 10), Is.EqualTo(1.3).Within(1e-12));
            Assert.That(ClipFunctionals.Percentile(values, 50), Is.EqualTo(2.5).Within(1e-12));
            Assert.That(ClipFunctionals.Percentile(values, 95), Is.EqualTo(3.85).Within(1e-12));
            Assert.That(ClipFunctionals.Percentile(values, 100), Is.EqualTo(4));
            Assert.That(ClipFunctionals.Percentile([7.5], 30), Is.EqualTo(7.5));
            Assert.That(ClipFunctionals.Percentile([], 50), Is.EqualTo(0));
        });
        Assert.That(values, Is.EqualTo(new double[] { 4, 1, 3, 2 }), "the input is not sorted in place");
    }
}
