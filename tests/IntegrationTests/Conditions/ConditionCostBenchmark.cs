using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

/// <summary>
/// The cost of the benchmark: each benchmark condition applied to 100 RAVDESS clips (actors 1–5), median and total
/// time. A measurement, not a check: run it by name on a quiet machine and read the lines it prints.
/// </summary>
[TestFixture]
[Explicit("a measurement: dotnet test --filter FullyQualifiedName~ConditionCostBenchmark")]
internal sealed class ConditionCostBenchmark
{
    private List<AudioClip> _clips = [];
    private ClipSpeechSource? _others;

    private static IEnumerable<TestCaseData> BenchmarkConditions =>
        RecordingConditions.Benchmark.Select((c, i) => new TestCaseData(c).SetArgDisplayNames($"{i:00} {c.Name}"));

    [OneTimeSetUp]
    public void ReadClips()
    {
        _clips = [.. ConditionClips.RavdessFiles(Enumerable.Range(1, 5)).Take(100).Select(WavReader.ReadFile)];
        _others = new ClipSpeechSource([.. ConditionClips.RavdessFiles([6, 7]).Select(WavReader.ReadFile)]);
    }

    [TestCaseSource(nameof(BenchmarkConditions))]
    public void Apply_To100Clips(Condition condition)
    {
        var times = new List<double>();
        for (var i = 0; i < _clips.Count; i++)
        {
            var watch = Stopwatch.StartNew();
            var degraded = condition.Apply(_clips[i], RecordingConditions.Seed(i.ToString(System.Globalization.CultureInfo.InvariantCulture), condition.Name, "test"), _others!);
            times.Add(watch.Elapsed.TotalMilliseconds);
            // What is timed must be a usable clip: the clip's rate, finite samples.
            Assert.That(degraded.SampleRateHz, Is.EqualTo(_clips[i].SampleRateHz));
            Assert.That(degraded.Samples.All(float.IsFinite), Is.True, condition.Name);
        }
        times.Sort();
        var seconds = _clips.Sum(c => c.DurationSeconds);
        TestContext.Out.WriteLine($"{condition.Name} | median {times[times.Count / 2]:0.0} ms/clip | total {times.Sum() / 1000:0.00} s for {_clips.Count} clips ({seconds:0} s of audio)");
    }
}
