using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.IntegrationTests.Trainer;

[TestFixture]
public sealed class CorpusTests
{
    private static readonly IProgressReporter Quiet = new PlainProgress(TextWriter.Null);

    private static void Write(TempFolder folder, string relative, byte[] content)
    {
        var path = folder.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private static byte[] Clip(int seed) => Synthetic.Encode(Enumerable.Range(0, Synthetic.Width).Select(i => (float)(seed + i)).ToArray());

    [Test]
    public void Scan_AnyDepthAndCase_SkipsBadNamesAndSongWithReasons()
    {
        using var folder = new TempFolder();
        Write(folder, "Actor_01/03-01-05-01-01-01-01.wav", Clip(1));
        Write(folder, "deeper/still/03-01-05-01-01-02-02.WAV", Clip(2));
        Write(folder, "Actor_01/readme.wav", Clip(3));
        Write(folder, "Actor_01/03-02-05-01-01-01-01.wav", Clip(4));
        Write(folder, "Actor_01/notes.txt", [1]);

        var speech = CorpusScan.Read(folder.Path, includeSong: false);
        var withSong = CorpusScan.Read(folder.Path, includeSong: true);

        Assert.That(speech.Files.Select(f => f.Name.Actor), Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(speech.Skipped.Select(s => Path.GetFileName(s.Path)), Is.EquivalentTo(new[] { "readme.wav", "03-02-05-01-01-01-01.wav" }));
        Assert.That(speech.Skipped.Single(s => s.Path.EndsWith("readme.wav")).Reason, Does.Contain("not a RAVDESS file name"));
        Assert.That(speech.Skipped.Single(s => s.Path.Contains("03-02")).Reason, Does.Contain("--include-song"));
        Assert.That(withSong.Files, Has.Count.EqualTo(3));
    }

    [Test]
    public void Scan_MissingFolder_ThrowsNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nope-{Guid.NewGuid():N}");
        var e = Assert.Throws<DirectoryNotFoundException>(() => CorpusScan.Read(missing, false));
        Assert.That(e!.Message, Does.Contain(missing));
    }

    [Test]
    public void Read_CorruptAudio_IsListedAndSkippedWhileOthersAreRead()
    {
        using var folder = new TempFolder();
        using var cache = new TempFolder();
        Write(folder, "Actor_01/03-01-05-01-01-01-01.wav", Clip(1));
        Write(folder, "Actor_01/03-01-05-01-01-02-01.wav", [0x52, 0x49, 0x46, 0x46, 1, 2]);
        Write(folder, "Actor_02/03-01-04-01-01-01-02.wav", Clip(2));

        var set = new CorpusReader(FeatureProfile.Compat, (_, _) => Synthetic.Extract, [], null, new FeatureCache(cache.Path))
            .Read(CorpusScan.Read(folder.Path, false), Quiet, CancellationToken.None);

        Assert.That(set.Vectors.Select(c => c.Emotion), Is.EquivalentTo(new[] { Emotion.Angry, Emotion.Sad }));
        Assert.That(set.Skipped, Has.Count.EqualTo(1));
        Assert.That(set.Skipped[0].Path, Does.EndWith("03-01-05-01-01-02-01.wav"));
        Assert.That(set.Skipped[0].Reason, Is.EqualTo("not a synthetic clip"));
    }

    [Test]
    public void Read_SecondRun_TakesEveryVectorFromTheCache()
    {
        using var folder = new TempFolder();
        using var cache = new TempFolder();
        Synthetic.WriteCorpus(folder.Path, Synthetic.Clips(actors: 2, clipsPerEmotion: 2, seed: 1));
        int calls = 0;
        float[] Counting(byte[] bytes)
        {
            Interlocked.Increment(ref calls);
            return Synthetic.Extract(bytes);
        }
        var reader = new CorpusReader(FeatureProfile.Compat, (_, _) => Counting, [], null, new FeatureCache(cache.Path));
        var scan = CorpusScan.Read(folder.Path, false);

        var first = reader.Read(scan, Quiet, CancellationToken.None);
        int callsAfterFirst = calls;
        var second = reader.Read(scan, Quiet, CancellationToken.None);

        Assert.That(callsAfterFirst, Is.EqualTo(32));
        Assert.That(calls, Is.EqualTo(callsAfterFirst), "no extraction on the second run");
        Assert.That((second.CacheHits, second.Extracted), Is.EqualTo((32, 0)));
        Assert.That(second.Vectors.Select(c => c.Features), Is.EqualTo(first.Vectors.Select(c => c.Features)));
        Assert.That(second.Fingerprint, Is.EqualTo(first.Fingerprint));
    }

    [Test]
    public void Cache_OtherProfileVariantOrChangedContent_IsAMiss()
    {
        using var cache = new TempFolder();
        var store = new FeatureCache(cache.Path);
        var compat = Artefacts.MeanMfcc(FeatureProfile.Compat);
        var hash = FeatureCache.ContentHash(Clip(1));
        store.Put(compat, hash, Enumerable.Repeat(1f, 25).ToArray());

        Assert.That(store.TryGet(compat, hash, out var hit), Is.True);
        Assert.That(hit, Is.EqualTo(Enumerable.Repeat(1f, 25)));
        Assert.That(store.TryGet(Artefacts.MeanMfcc(FeatureProfile.Full), hash, out _), Is.False);
        Assert.That(store.TryGet(Artefacts.MeanMfcc(FeatureProfile.Compat with { Version = 99 }), hash, out _), Is.False);
        Assert.That(store.TryGet(Artefacts.MeanMfcc(FeatureProfile.Compat, "speed0.9"), hash, out _), Is.False);
        Assert.That(store.TryGet(compat, FeatureCache.ContentHash(Clip(2)), out _), Is.False);
    }

    [Test]
    public void Read_WithSpeedFactors_ReadsEachFileOnceAndGivesCopiesFactorByFactorInScanOrder()
    {
        using var folder = new TempFolder();
        using var cache = new TempFolder();
        Synthetic.WriteCorpus(folder.Path, Synthetic.Clips(actors: 2, clipsPerEmotion: 1, seed: 3));
        var scan = CorpusScan.Read(folder.Path, false);

        var read = new CorpusReader(FeatureProfile.Compat, (_, speed) => bytes => Synthetic.ExtractAt(bytes, speed), [0.9, 1.1], null, new FeatureCache(cache.Path))
            .Read(scan, Quiet, CancellationToken.None);

        Assert.That((read.Vectors.Count, read.Extracted, read.CacheHits), Is.EqualTo((16, 16, 0)), "one count per file");
        Assert.That(read.SpeedCopies.Select(c => c.Path), Is.EqualTo(scan.Files.Select(f => f.Path).Concat(scan.Files.Select(f => f.Path))));
        Assert.That(read.SpeedCopies[0].Features, Is.EqualTo(Synthetic.ExtractAt(File.ReadAllBytes(scan.Files[0].Path), 0.9)));
        Assert.That(read.SpeedCopies[16].Features, Is.EqualTo(Synthetic.ExtractAt(File.ReadAllBytes(scan.Files[0].Path), 1.1)));
    }

    [Test]
    public void Fingerprint_DependsOnContentNotOrder()
    {
        Assert.That(FeatureCache.Fingerprint(["b", "a"]), Is.EqualTo(FeatureCache.Fingerprint(["a", "b"])));
        Assert.That(FeatureCache.Fingerprint(["a", "c"]), Is.Not.EqualTo(FeatureCache.Fingerprint(["a", "b"])));
    }
}
