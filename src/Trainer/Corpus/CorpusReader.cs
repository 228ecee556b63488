using System.Globalization;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>What one pass over a corpus gave: each usable clip's MFCC vector (as served), its speed-perturbed and
/// condition copies, and its sequence example when a sequence profile was asked for; files left out with the reason; how
/// many clips came whole from the cache. <see cref="Vectors"/> and <see cref="Sequences"/> hold the same files in scan order.</summary>
/// <param name="SpeedCopies">Each clip's MFCC vector at each speed factor, factor after factor, each factor in scan order.</param>
/// <param name="Sequences">Null when no sequence profile was asked for.</param>
internal sealed record CorpusFeatures(
    IReadOnlyList<LabeledClip<float[]>> Vectors,
    IReadOnlyList<LabeledClip<float[]>> SpeedCopies,
    IReadOnlyList<LabeledClip<SequenceExample>>? Sequences,
    IReadOnlyList<SkippedFile> Skipped,
    int CacheHits,
    int Extracted)
{
    /// <summary>Each clip's MFCC vector under its multi-condition training copies (<see cref="ConditionedCopies"/>), copy after
    /// copy, each copy in scan order; the sequence copies are on the <see cref="SequenceExample"/>s.</summary>
    public IReadOnlyList<LabeledClip<float[]>> ConditionCopies { get; init; } = [];

    /// <summary>What the set was trained on: the usable clips' content hashes (<see cref="FeatureCache.Fingerprint"/>).</summary>
    public string Fingerprint => FeatureCache.Fingerprint(Vectors.Select(c => c.ContentHash));

    public IReadOnlyList<int> Actors => Vectors.Select(c => c.Actor).Distinct().Order().ToArray();
}

/// <summary>
/// The Trainer's one pass over a corpus: each file is read and hashed once, and every artefact any network needs is taken
/// from the <see cref="FeatureCache"/> or computed from those bytes and cached. A file any part of which cannot be read or
/// decoded is left out for every network, with the reason, never aborting the run; clips keep the scan's order.
/// </summary>
/// <param name="speeds">Speed factors of the augmented copies of the MFCC vectors (<see cref="ExtractorFactory"/>).</param>
/// <param name="sequenceProfile">The sequence networks' profile, or null when no sequence network is trained or evaluated.</param>
/// <param name="perturbedFunctionals">Also the clips' <see cref="SequenceExample.PerturbedFunctionals"/> (only a recipe that
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
            LabeledClip<T> Clip<T>(T features) => new(file.Path, file.Name, hash, features);
            bool allHit = true;
            var clips = vectors.Select(v => Clip(Cached(v.Artefact, hash, () => Checked(v.Extract(bytes)), ref allHit))).ToArray();
            SequenceExample? sequence = null;
            if (sequences is not null)
            {
                (sequence, bool hit) = sequences.Read(bytes, hash);
                allHit &= hit;
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
            return (new ReadClip(clips, sequence is null ? null : Clip(sequence), copies.Select(c => Clip(c.Mfccs)).ToArray()), allHit);
        }, ct);
        // Copies in factor order, each factor in scan order: the order of the training matrix (it decides the shuffles).
        var copies = Enumerable.Range(1, vectors.Length - 1).SelectMany(k => read.Clips.Select(c => c.Vectors[k])).ToArray();
        return new CorpusFeatures(read.Clips.Select(c => c.Vectors[0]).ToArray(), copies,
            sequences is null ? null : read.Clips.Select(c => c.Sequence!).ToArray(), read.Skipped, read.CacheHits, read.Extracted)
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

    private sealed record ReadClip(LabeledClip<float[]>[] Vectors, LabeledClip<SequenceExample>? Sequence, LabeledClip<float[]>[] ConditionCopies);
}
