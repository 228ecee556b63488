using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>One usable clip for a sequence network: its label, speaker and prepared log-mel sequence.</summary>
/// <param name="Features">[bands, frames] after <see cref="SequenceFeatures.Prepare"/>.</param>
public sealed record SequenceClip(string Path, RavdessFileName Name, string ContentHash, FeatureMatrix Features)
{
    public Emotion Emotion => Name.Emotion;

    public int Actor => Name.Actor;
}

/// <summary>The clips whose sequences could be extracted, the files left out, and cache statistics.</summary>
public sealed record SequenceSet(IReadOnlyList<SequenceClip> Clips, IReadOnlyList<SkippedFile> Skipped, int CacheHits, int Extracted)
{
    public string Fingerprint => FeatureCache.Fingerprint(Clips.Select(c => c.ContentHash));

    public IReadOnlyList<int> Actors => Clips.Select(c => c.Actor).Distinct().Order().ToArray();
}

/// <summary>
/// Reads every clip of a scan through <see cref="FeaturePipeline.ExtractLogMel"/> (or the cache) and
/// prepares it with <see cref="SequenceFeatures.Prepare"/>, exactly as serving does. A clip that cannot
/// be read or decoded is skipped with the reason, never aborting the run.
/// </summary>
public sealed class SequenceFeatureReader(FeatureProfile profile, SequenceFeatureCache? cache)
{
    private readonly FeaturePipeline pipeline = new(profile);

    public SequenceSet Read(CorpusScan scan, IProgressReporter progress, CancellationToken ct)
    {
        var read = ParallelClipReader.Read(scan, progress, "Sequence features", (file, bytes, hash) =>
        {
            if (cache is not null && cache.TryGet(hash, out var cached))
            {
                return (new SequenceClip(file.Path, file.Name, hash, SequenceFeatures.Prepare(cached)), true);
            }
            var logMel = pipeline.ExtractLogMel(WavReader.Read(bytes));
            cache?.Put(hash, logMel);
            return (new SequenceClip(file.Path, file.Name, hash, SequenceFeatures.Prepare(logMel)), false);
        }, ct);
        return new SequenceSet(read.Clips, read.Skipped, read.CacheHits, read.Extracted);
    }
}
