namespace EmotionRecognition.UnitTests.Robustness;

/// <summary>
/// Replays every input the fuzzer ever flagged (crash, hang or out-of-memory; fuzz/promote.sh copies
/// them into FuzzRegressions) and the fuzzer's seed corpus (the golden WAVs, whole and cut to the
/// 1.5 KiB heads fuzz/run.sh seeds with) through WavReader and FeaturePipeline. Each must give
/// finite features of the right length or InvalidAudioException, within a time bound that only a
/// hang can miss.
/// </summary>
public sealed class FuzzRegressionTests
{
    /// <summary>Hundreds of times what any of these inputs takes; only a hang (or a machine on fire) exceeds it.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(20);

    /// <summary>fuzz/run.sh seeds AFL++ with this much of each golden WAV.</summary>
    private const int SeedHeadBytes = 1536;

    private static string RegressionDirectory => Path.Combine(TestData.RepoRoot, "tests", "UnitTests", "Robustness", "FuzzRegressions");

    public static IEnumerable<string> RegressionFiles() =>
        Directory.Exists(RegressionDirectory)
            ? Directory.GetFiles(RegressionDirectory).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!
            : ["<missing: " + RegressionDirectory + ">"];

    [TestCaseSource(nameof(RegressionFiles))]
    public void FuzzFinding_GivesFeaturesOrInvalidAudio(string name)
    {
        AssertContract(File.ReadAllBytes(Path.Combine(RegressionDirectory, name)));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.GoldenWavNames))]
    public void SeedCorpus_WholeFile_GivesFeatures(string name)
    {
        var outcome = AssertContract(File.ReadAllBytes(TestData.GoldenWav(name)));

        Assert.That(outcome.Refusals, Is.Empty, "every golden WAV is valid audio");
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.GoldenWavNames))]
    public void SeedCorpus_FuzzSeedHead_GivesFeaturesOrInvalidAudio(string name)
    {
        var wav = File.ReadAllBytes(TestData.GoldenWav(name));

        AssertContract(wav.AsSpan(0, Math.Min(SeedHeadBytes, wav.Length)).ToArray());
    }

    [Test]
    public void RegressionCorpus_HoldsTheFindingsOfTheFirstFuzzRun()
    {
        // The folder is the memory of every bug the fuzzer found; an accidental wipe must not pass silently.
        Assert.That(RegressionFiles().Count(), Is.GreaterThanOrEqualTo(MinimumRegressionFiles));
    }

    /// <summary>The 16 findings promoted from the first 35-minute run (see docs/robustness.md).</summary>
    private const int MinimumRegressionFiles = 16;

    private static AudioContract.Outcome AssertContract(byte[] wav)
    {
        var run = Task.Run(() => AudioContract.Analyse(wav));
        Assert.That(run.Wait(TimeBound), Is.True, $"not decided within {TimeBound.TotalSeconds} s: a hang");
        var outcome = run.Result;
        Assert.That(outcome.Violations, Is.Empty, $"refusals: {string.Join(" | ", outcome.Refusals)}");
        Assert.That(outcome.FeatureVectors > 0 || outcome.Refusals.Count > 0, Is.True, "neither features nor an InvalidAudioException");
        return outcome;
    }
}
