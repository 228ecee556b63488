using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

/// <summary>
/// The cost of the benchmark: every benchmark condition applied to 100 RAVDESS clips, median and total time per
/// condition. A measurement, not a check: run it by name on a quiet machine and read the table it prints.
/// </summary>
[TestFixture]
[Explicit("a measurement: dotnet test --filter FullyQualifiedName~ConditionCostBenchmark")]
internal sealed class ConditionCostBenchmark
{
    [Test]
    public void Apply_EveryBenchmarkCondition_To100Clips()
    {
        var clips = ConditionClips.RavdessFiles(Enumerable.Range(1, 5)).Take(100).Select(WavReader.ReadFile).ToList();
        var others = new ClipSpeechSource([.. ConditionClips.RavdessFiles([6, 7]).Select(WavReader.ReadFile)]);
        var seconds = clips.Sum(c => c.DurationSeconds);
        TestContext.Out.WriteLine($"{clips.Count} clips, {seconds:0} s of audio, mean {seconds / clips.Count:0.00} s");
        TestContext.Out.WriteLine("condition | median ms/clip | total s");
        var all = Stopwatch.StartNew();
        foreach (var condition in RecordingConditions.Benchmark)
        {
            var times = new List<double>();
            for (var i = 0; i < clips.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                condition.Apply(clips[i], RecordingConditions.Seed(i.ToString(System.Globalization.CultureInfo.InvariantCulture), condition.Name, "test"), others);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            TestContext.Out.WriteLine($"{condition.Name} | {times[times.Count / 2]:0.0} | {times.Sum() / 1000:0.00}");
        }
        TestContext.Out.WriteLine($"all {RecordingConditions.Benchmark.Count} conditions x {clips.Count} clips: {all.Elapsed.TotalSeconds:0.0} s");
        Assert.Pass();
    }
}
