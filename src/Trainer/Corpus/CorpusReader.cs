using System.Globalization;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>What one pass over a corpus gave: each usable clip's MFCC vector (as served), its speed-perturbed copies, and its
/// prepared sequence when a sequence profile was asked for; files left out with the reason; how many clips came whole
/// from the cache.</summary>
/// <param name="ConditionCopies">Each clip's MFCC vector under its multi-condition training copies (<see cref="ConditionedCopies"/>),
/// copy after copy, each copy in scan order; the sequence copies are on the <see cref="SequenceClip"/>s.</param>
internal sealed record CorpusFeatures(
    FeatureSet Vectors, IReadOnlyList<LabeledClip> SpeedCopies, SequenceSet? Sequences, int CacheHits, int Extracted)
{
    public IReadOnlyList<LabeledClip> ConditionCopies { get; init; } = [];
}

/// <summary>
/// The Trainer's one pass over a corpus: each file is read and hashed once, and every artefact any network needs is taken
/// from the <see cref="FeatureCache"/> or computed from those bytes and cached. A file any part of which cannot be read or
/// decoded is left out for every network, with the reason, never aborting the run; clips keep the scan's order.
/// </summary>
/// <param name="speeds">Speed factors of the augmented copies of the MFCC vectors (<see cref="ExtractorFactory"/>).</param>
/// <param name="sequenceProfile">The sequence networks' profile, or null when no sequence network is trained or evaluated.</param>
/// <param name="perturbedFunctionals">Also the clips' <see cref="SequenceClip.PerturbedFunctionals"/> (only a recipe that
/// fits a functionals model needs them).</param>
/// <param name="conditionCopies">Multi-condition training copies per clip (<see cref="ConditionedCopies.TrainingCopy"/>); 0: none.</param>
/// <param name="speechGroups">The actors of each cross-validation test group: babble in a clip's copies is speech of its own
/// group's other actors (<see cref="SpeechPool"/>).</param>
internal sealed class CorpusReader(
    FeatureProfile vectorProfile,
    ExtractorFactory extractors,
    IReadOnlyList<double> speeds,
    FeatureProfile? sequenceProfile,
    FeatureCache? cache,
    bool perturbedFunctionals = false,
    int conditionCopies = 0,
    IReadOnlyList<int[]>? speechGroups = null)
{
    /// <summary>The benchmark's and the training copies' conditioned features of this reader's profiles and cache.</summary>
    public ConditionedCopies Conditioned(CorpusScan scan) =>
        new(vectorProfile, sequenceProfile is null ? null : new SequenceExtraction(sequenceProfile, cache), cache, new SpeechPool(scan.Files, speechGroups ?? []));

    public CorpusFeatures Read(CorpusScan scan, IProgressReporter progress, CancellationToken ct)
    {
        var conditioned = conditionCopies > 0 ? Conditioned(scan) : null;
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
            var copies = new ConditionedInput[conditionCopies];
            if (conditioned is not null)
            {
                var clean = new Lazy<AudioClip>(() => AudioDecoding.ForLocalFiles.Decode(bytes));
                for (int k = 0; k < conditionCopies; k++)
                {
                    copies[k] = conditioned.TrainingCopy(file, hash, () => clean.Value, k, out bool hit);
                    allHit &= hit;
                }
                if (sequence is not null)
                {
                    sequence = sequence with { Copies = copies.Select(c => c.Sequence!).ToArray() };
                }
            }
            return (new ReadClip(clips, sequence, copies.Select(c => new LabeledClip(file.Path, file.Name, hash, c.Mfccs)).ToArray()), allHit);
        }, ct);
        var plain = new FeatureSet(vectorProfile, read.Clips.Select(c => c.Vectors[0]).ToArray(), read.Skipped, read.CacheHits, read.Extracted);
        // Copies in factor order, each factor in scan order: the order of the training matrix (it decides the shuffles).
        var copies = Enumerable.Range(1, vectors.Length - 1).SelectMany(k => read.Clips.Select(c => c.Vectors[k])).ToArray();
        var sequenceSet = sequences is null ? null
            : new SequenceSet(read.Clips.Select(c => c.Sequence!).ToArray(), read.Skipped, read.CacheHits, read.Extracted);
        return new CorpusFeatures(plain, copies, sequenceSet, read.CacheHits, read.Extracted)
        {
            ConditionCopies = Enumerable.Range(0, conditionCopies).SelectMany(k => read.Clips.Select(c => c.ConditionCopies[k])).ToArray(),
        };
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

    private sealed record ReadClip(LabeledClip[] Vectors, SequenceClip? Sequence, LabeledClip[] ConditionCopies);
}
