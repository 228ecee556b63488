using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class RecordingConditionsTests
{
    private static IEnumerable<TestCaseData> BenchmarkConditions =>
        RecordingConditions.Benchmark.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(BenchmarkConditions))]
    public void Apply_EveryBenchmarkCondition_OnRealSpeech_GivesFiniteSamplesAtTheClipsRate(Condition condition)
    {
        var clean = ConditionClips.Ravdess(actor: 1);
        var others = new ClipSpeechSource([.. ConditionClips.RavdessFiles([2, 3]).Take(12).Select(WavReader.ReadFile)]);
        var copy = clean.Samples.ToArray();
        var seed = RecordingConditions.Seed("clip", condition.Name, "test");

        AudioClip degraded;
        try
        {
            degraded = condition.Apply(clean, seed, others);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("not installed", StringComparison.Ordinal))
        {
            Assume.That(false, $"ffmpeg is not installed: {e.Message}");
            throw;
        }

        Assert.That(degraded.SampleRateHz, Is.EqualTo(clean.SampleRateHz));
        Assert.That(degraded.Samples, Is.Not.Empty);
        ConditionClips.AssertFinite(degraded);
        Assert.That(degraded.Samples, Is.Not.EqualTo(clean.Samples), "the condition changes the clip");
        Assert.That(clean.Samples, Is.EqualTo(copy), "the clean clip is not written");
        Assert.That(condition.Apply(clean, seed, others).Samples, Is.EqualTo(degraded.Samples), "same seed, same samples");
    }

    [Test]
    public void Benchmark_NamesAreUnique() =>
        Assert.That(RecordingConditions.Benchmark.Select(c => c.Name), Is.Unique);

    [Test]
    public void Benchmark_Names_AreTheReadableOnes() =>
        Assert.That(RecordingConditions.Benchmark.Select(c => c.Name), Is.SupersetOf(new[]
        {
            "white noise 20 dB", "pink noise 10 dB", "babble 5 dB", "gain -30 dB", "telephone band 8 kHz",
            "telephone µ-law 8 kHz", "MP3 32 kb/s", "Opus 16 kb/s", "room echo RT60 0.7 s", "DC offset +0.05",
        }));

    [Test]
    public void Seed_DiffersBetweenRolesAndConditions()
    {
        var test = RecordingConditions.Seed("abc", "white noise 20 dB", "test");

        Assert.That(RecordingConditions.Seed("abc", "white noise 20 dB", "test"), Is.EqualTo(test));
        Assert.That(RecordingConditions.Seed("abc", "white noise 20 dB", "train:0"), Is.Not.EqualTo(test));
        Assert.That(RecordingConditions.Seed("abc", "white noise 20 dB", "train:1"), Is.Not.EqualTo(RecordingConditions.Seed("abc", "white noise 20 dB", "train:0")));
        Assert.That(RecordingConditions.Seed("abc", "pink noise 20 dB", "test"), Is.Not.EqualTo(test));
        Assert.That(RecordingConditions.Seed("abd", "white noise 20 dB", "test"), Is.Not.EqualTo(test));
    }

    [Test]
    public void Draw_IsSeededCoversEveryFamilyAndGivesFiniteClips()
    {
        var first = Enumerable.Range(0, 400).Select(_ => 0).Aggregate((Random: new Random(17), List: new List<Condition>()),
            (s, _) => { s.List.Add(RecordingConditions.Draw(s.Random, withCodecs: false)); return s; }).List;
        var random = new Random(17);
        var second = Enumerable.Range(0, 400).Select(_ => RecordingConditions.Draw(random, withCodecs: false)).ToList();

        Assert.That(second.Select(c => c.Name), Is.EqualTo(first.Select(c => c.Name)));
        var types = first.Select(c => c is Chain chain ? chain.First.GetType() : c.GetType()).Distinct().ToList();
        Assert.That(types, Is.SupersetOf(new[] { typeof(AdditiveNoise), typeof(Gain), typeof(BandLimit), typeof(Companding), typeof(RoomEcho), typeof(Clipping), typeof(DcOffset), typeof(Padding) }));
        Assert.That(first.OfType<Chain>(), Is.Not.Empty, "noise then gain");
        Assert.That(first.OfType<AdditiveNoise>().Select(n => n.Kind).Distinct().Count(), Is.EqualTo(6));
        var clean = ConditionClips.Voiced();
        foreach (var condition in first.Take(60))
            ConditionClips.AssertFinite(condition.Apply(clean, RecordingConditions.Seed("x", condition.Name, "train:0"), ConditionClips.SyntheticSpeakers));
    }

    [Test]
    public void Draw_WithCodecs_CanDrawACodec()
    {
        var random = new Random(5);

        Assert.That(Enumerable.Range(0, 200).Select(_ => RecordingConditions.Draw(random)).OfType<LossyCodec>(), Is.Not.Empty);
    }
}
