using System.Globalization;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>What one pass over a corpus gave: each usable clip's MFCC vector (as served), its speed-perturbed copies, and its
/// prepared sequence when a sequence profile was asked for; files left out with the reason; how many clips came whole
/// from the cache.</summary>
internal sealed record CorpusFeatures(
    FeatureSet Vectors, IReadOnlyList<LabeledClip> SpeedCopies, SequenceSet? Sequences, int CacheHits, int Extracted);

/// <summary>
/// The Trainer's one pass over a corpus: each file is read and hashed once, and every artefact any network needs is taken
/// from the <see cref="FeatureCache"/> or computed from those bytes and cached. A file any part of which cannot be read or
/// decoded is left out for every network, with the reason, never aborting the run; clips keep the scan's order.
/// </summary>
/// <param name="speeds">Speed factors of the augmented copies of the MFCC vectors (<see cref="ExtractorFactory"/>).</param>
/// <param name="sequenceProfile">The sequence networks' profile, or null when no sequence network is trained or evaluated.</param>
/// <param name="perturbedFunctionals">Also the clips' <see cref="SequenceClip.PerturbedFunctionals"/> (only a recipe that
/// fits a functionals model needs them).</param>
internal sealed class CorpusReader(
    FeatureProfile vectorProfile,
    ExtractorFactory extractors,
    IReadOnlyList<double> speeds,
    FeatureProfile? sequenceProfile,
    FeatureCache? cache,
    bool perturbedFunctionals = false)
{
    public CorpusFeatures Read(CorpusScan scan, IProgressReporter progress, CancellationToken ct)
    {
        var vectors = new[] { 1.0 }.Concat(speeds).Select(speed => (
            Extract: extractors(vectorProfile, speed),
            Artefact: Artefacts.MeanMfcc(vectorProfile, speed == 1.0 ? null : string.Create(CultureInfo.InvariantCulture, $"speed{speed:0.00#}"))))
            .ToArray();
        var sequences = sequenceProfile is null ? null : new SequenceExtraction(sequenceProfile, cache, perturbedFunctionals);
        var read = ParallelClipReader.Read(scan, progress, "Features", (file, bytes, hash) =>
        {
            bool allHit = true;
            var clips = vectors.Select(v =>
            {
                var features = Cached(v.Artefact, hash, () => Checked(v.Extract(bytes)), ref allHit);
                return new LabeledClip(file.Path, file.Name, hash, features);
            }).ToArray();
            SequenceClip? sequence = null;
            if (sequences is not null)
            {
                var (features, functionals, perturbed, hit) = sequences.Read(bytes, hash);
                allHit &= hit;
                sequence = new SequenceClip(file.Path, file.Name, hash, features, functionals, perturbed);
            }
            return (new ReadClip(clips, sequence), allHit);
        }, ct);
        var plain = new FeatureSet(vectorProfile, read.Clips.Select(c => c.Vectors[0]).ToArray(), read.Skipped, read.CacheHits, read.Extracted);
        // Copies in factor order, each factor in scan order: the order of the training matrix (it decides the shuffles).
        var copies = Enumerable.Range(1, vectors.Length - 1).SelectMany(k => read.Clips.Select(c => c.Vectors[k])).ToArray();
        var sequenceSet = sequences is null ? null
            : new SequenceSet(read.Clips.Select(c => c.Sequence!).ToArray(), read.Skipped, read.CacheHits, read.Extracted);
        return new CorpusFeatures(plain, copies, sequenceSet, read.CacheHits, read.Extracted);
    }

    private T Cached<T>(CachedArtefact<T> artefact, string hash, Func<T> compute, ref bool allHit)
    {
        if (cache is null)
        {
            allHit = false;
            return compute();
        }
        var value = cache.GetOrAdd(artefact, hash, compute, out bool hit);
        allHit &= hit;
        return value;
    }

    private float[] Checked(float[] features) =>
        features.Length == vectorProfile.CoefficientCount && features.All(float.IsFinite)
            ? features
            : throw new InvalidDataException($"extraction gave {features.Length} values, not {vectorProfile.CoefficientCount} finite ones");

    private sealed record ReadClip(LabeledClip[] Vectors, SequenceClip? Sequence);
}
