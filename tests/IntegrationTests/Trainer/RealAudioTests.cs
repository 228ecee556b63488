using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using System.Text.Json;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>The Trainer with the real <see cref="FeaturePipeline"/>: WAV files in, features out.</summary>
[TestFixture]
public sealed class RealAudioTests
{
    private static string RepositoryRoot => Native.TorchSharpLoadingTests.RepositoryRoot();

    /// <summary>The RAVDESS copy in the shared folder beside the repository (fails the test if it is missing).</summary>
    internal static string SharedRavdess
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "ravdess"));
            Assume.That(Directory.Exists(path), Is.True, $"test data missing: {path} (the RAVDESS copy in the shared folder beside the repository)");
            return path;
        }
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new TrainerCli(stdout, stderr, interactive: false, FeatureExtractors.Mean).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Read_CorruptWavAndStrayName_AreSkippedAndThe48kHzStereoOriginalIsRead()
    {
        using var folder = new TempFolder();
        using var cache = new TempFolder();
        var good = folder.Combine("03-01-05-01-01-01-01.wav");
        var original = folder.Combine("Actor_02", "03-01-03-02-01-01-02.wav");
        var corrupt = folder.Combine("03-01-04-01-01-01-01.wav");
        Directory.CreateDirectory(folder.Combine("Actor_02"));
        File.WriteAllBytes(good, TestWav.Tone(220));
        File.WriteAllBytes(original, TestWav.Tone(220, sampleRateHz: 48000, channels: 2, listChunk: true));
        File.WriteAllBytes(corrupt, [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVEjunk"u8]);
        File.WriteAllBytes(folder.Combine("take 2.wav"), TestWav.Tone(330));

        var set = new CorpusReader(FeatureProfile.Compat, FeatureExtractors.Mean, [], null, new FeatureCache(cache.Path))
            .Read(CorpusScan.Read(folder.Path, false), new PlainProgress(TextWriter.Null), CancellationToken.None);

        Assert.That(set.Vectors.Select(c => c.Path), Is.EquivalentTo(new[] { good, original }));
        Assert.That(set.Vectors.SelectMany(c => c.Features), Has.All.Matches<float>(float.IsFinite));
        Assert.That(set.Skipped.Select(s => Path.GetFileName(s.Path)), Is.EquivalentTo(new[] { "take 2.wav", "03-01-04-01-01-01-01.wav" }));
        Assert.That(set.Skipped.Single(s => s.Path == corrupt).Reason, Is.Not.Empty);
        // Resampled to 22.05 kHz and averaged to mono, the 48 kHz stereo tone gives nearly the same vector.
        var a = set.Vectors.Single(c => c.Path == good).Features;
        var b = set.Vectors.Single(c => c.Path == original).Features;
        Assert.That(b, Is.EqualTo(a).Within(0.5f));
    }

    [Test]
    public async Task Features_Json_MatchesThePipelineAndReportsTheBadFile()
    {
        using var folder = new TempFolder();
        var good = folder.Combine("tone.wav");
        var bad = folder.Combine("bad.wav");
        File.WriteAllBytes(good, TestWav.Tone(440));
        File.WriteAllText(bad, "not audio");

        var (exit, stdout, stderr) = await Run("features", "--json", good, bad);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith(bad + ": "));
        using var json = JsonDocument.Parse(stdout);
        var values = json.RootElement.GetProperty(good).EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.That(values, Is.EqualTo(new FeaturePipeline(FeatureProfile.Compat).ExtractMean(File.ReadAllBytes(good))));
    }

    [Test]
    public async Task Features_FullProfile_DiffersFromCompatOnALongClip()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("tone.wav");
        var bytes = TestWav.Tone(440, seconds: 4);
        // Silence in the first second: compat skips it (offset 1.0 s), full does not.
        Array.Clear(bytes, 44, 22050 * 2);
        File.WriteAllBytes(file, bytes);

        var compat = await Run("features", "--json", file);
        var full = await Run("features", "--json", "--profile", "full", file);

        Assert.That((compat.Exit, full.Exit), Is.EqualTo((0, 0)));
        using var c = JsonDocument.Parse(compat.Out);
        using var f = JsonDocument.Parse(full.Out);
        Assert.That(c.RootElement.GetProperty(file).GetArrayLength(), Is.EqualTo(25));
        Assert.That(f.RootElement.GetProperty(file)[0].GetSingle(), Is.Not.EqualTo(c.RootElement.GetProperty(file)[0].GetSingle()).Within(1f));
    }

    [Test]
    public void Scan_SharedRavdess_Finds1200SpeechClipsOf20Actors()
    {
        var scan = CorpusScan.Read(SharedRavdess, includeSong: false);

        Assert.That(scan.Files, Has.Count.EqualTo(1200));
        Assert.That(scan.Files.Select(f => f.Name.Actor).Distinct().Order(), Is.EqualTo(Enumerable.Range(1, 20)));
        Assert.That(scan.Files.Count(f => f.Name.Emotion == Emotion.Neutral), Is.EqualTo(20 * 4));
    }
}
