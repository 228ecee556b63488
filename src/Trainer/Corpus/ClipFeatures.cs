using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Cli;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>One usable clip: its label, speaker and feature vector.</summary>
public sealed record LabeledClip(string Path, RavdessFileName Name, string ContentHash, float[] Features)
{
    public Emotion Emotion => Name.Emotion;

    public int Actor => Name.Actor;
}

/// <summary>The clips whose features could be extracted, the files left out, and cache statistics.</summary>
public sealed record FeatureSet(
    FeatureProfile Profile,
    IReadOnlyList<LabeledClip> Clips,
    IReadOnlyList<SkippedFile> Skipped,
    int CacheHits,
    int Extracted)
{
    public string Fingerprint => FeatureCache.Fingerprint(Clips.Select(c => c.ContentHash));

    public IReadOnlyList<int> Actors => Clips.Select(c => c.Actor).Distinct().Order().ToArray();
}

/// <summary>Turns a WAV file's bytes into a feature vector; in production <see cref="FeatureExtractors.Mean"/>.</summary>
public delegate float[] ExtractFeatures(byte[] wav);

/// <summary>
/// Reads every clip of a scan, takes its features from the cache or extracts them (in parallel on all
/// cores) and stores new ones. A clip that cannot be read or decoded is skipped with the reason.
/// </summary>
public sealed class ClipFeatureReader(FeatureProfile profile, ExtractFeatures extract, FeatureCache? cache)
{
    public FeatureSet Read(CorpusScan scan, IProgressReporter progress, CancellationToken ct, string step = "Features")
    {
        var read = ParallelClipReader.Read(scan, progress, step, (file, bytes, hash) =>
        {
            if (cache is not null && cache.TryGet(hash, out var cached))
            {
                return (new LabeledClip(file.Path, file.Name, hash, cached), true);
            }
            var features = extract(bytes);
            if (features.Length != profile.CoefficientCount || !features.All(float.IsFinite))
            {
                throw new InvalidDataException($"extraction gave {features.Length} values, not {profile.CoefficientCount} finite ones");
            }
            cache?.Put(hash, features);
            return (new LabeledClip(file.Path, file.Name, hash, features), false);
        }, ct);
        return new FeatureSet(profile, read.Clips, read.Skipped, read.CacheHits, read.Extracted);
    }
}
