using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>What a sequence network learns from one clip.</summary>
/// <param name="Sequence">[bands, frames] after <see cref="SequenceFeatures.Prepare"/>; [bands + pitch rows, frames] after
/// <see cref="PitchFeatures.Prepare"/> for a profile with pitch rows.</param>
/// <param name="Functionals">The clip's <see cref="ClipFunctionals"/> (profiles with pitch rows; null otherwise and in worker processes,
/// which train networks only).</param>
/// <param name="PerturbedFunctionals">The clip's functionals under each of <see cref="FunctionalsTrainer.Perturbations"/>, in that
/// order: what the functionals model trains on besides <paramref name="Functionals"/> (null where that is null, and unless the
/// corpus pass was asked for them).</param>
internal sealed record SequenceExample(FeatureMatrix Sequence, float[]? Functionals = null, IReadOnlyList<float[]>? PerturbedFunctionals = null)
{
    /// <summary>The clip under randomly drawn recording conditions (noise, level, band limits, codecs, echo; the
    /// multi-condition training copies of <see cref="Corpus.ConditionedCopies"/>), each as the network reads it: training draws
    /// its windows from the clip and these alike. Empty when the recipe trains on clean audio only.</summary>
    public IReadOnlyList<SpeechSequence> Copies { get; init; } = [];

    /// <summary>What the served set classifies: the sequence and its functionals.</summary>
    public SpeechSequence Input => new(Sequence, Functionals);
}

/// <summary>
/// A clip's sequence-network input from its bytes, through the profile's <see cref="FeaturePipeline"/> (or the cache),
/// prepared as serving prepares it: <see cref="SequenceFeatures.Prepare"/> of the
/// log-mel, or with pitch rows <see cref="PitchFeatures.Prepare"/> of the log-mel and the pitch track (<see cref="FeaturePipeline.Sequence"/>). The raw log-mel and
/// the raw track are cached, never the prepared input; a clip missing either is decoded and resampled once.
/// </summary>
internal sealed class SequenceExtraction
{
    private readonly FeaturePipeline pipeline;
    private readonly FeatureCache? cache;
    private readonly FeatureProfile cacheProfile;
    private readonly PitchTracker? tracker;
    private readonly bool perturbedFunctionals;

    public SequenceExtraction(FeatureProfile profile, FeatureCache? cache, bool perturbedFunctionals = false)
    {
        pipeline = FeaturePipeline.For(profile);
        this.cache = cache;
        this.perturbedFunctionals = perturbedFunctionals;
        cacheProfile = CacheProfile(profile);
        tracker = profile.PitchRows > 0 ? new PitchTracker(profile) : null;
    }

    public FeatureProfile Profile => pipeline.Profile;

    /// <summary>
    /// The profile the caches are keyed by. <see cref="FeatureProfile.SequencePitch"/> computes exactly the log-mel and the
    /// frame grid of <see cref="FeatureProfile.Sequence"/>, so its log-mel and pitch tracks are filed under that profile:
    /// pitch runs reuse the log-mel of plain runs.
    /// </summary>
    public static FeatureProfile CacheProfile(FeatureProfile profile)
    {
        // The level floor acts on the network input only (FeaturePipeline.Sequence), never on the cached log-mel.
        var raw = profile with { FloorDb = 0 };
        return raw == (FeatureProfile.SequencePitch with { FloorDb = 0 }) ? FeatureProfile.Sequence with { FloorDb = 0 } : raw;
    }

    /// <summary>The prepared sequence and its functionals, as <see cref="FeaturePipeline.Sequence"/> gives them for serving.</summary>
    public (SequenceExample Example, bool CacheHit) Read(byte[] bytes, string hash) =>
        Read(hash, () => AudioDecoding.ForLocalFiles.Decode(bytes));

    /// <summary>The same for the audio <paramref name="audio"/> gives (asked only when the cache lacks a part), filed under
    /// <paramref name="variant"/> (e.g. a recording condition; null for the clip as it is); no perturbed functionals for a variant.</summary>
    public (SequenceExample Example, bool CacheHit) Read(string hash, Func<AudioClip> audio, string? variant = null)
    {
        var logMel = Artefacts.LogMel(cacheProfile, variant);
        var pitchTrack = tracker is null ? null : Artefacts.PitchTrack(cacheProfile, tracker, variant);
        FeatureMatrix? mel = null;
        PitchTrack? track = null;
        bool melHit = cache is not null && cache.TryGet(logMel, hash, out mel);
        bool pitchHit = pitchTrack is null || (cache is not null && cache.TryGet(pitchTrack, hash, out track));
        if (!melHit || !pitchHit)
        {
            var analysis = pipeline.Analyse(audio());
            if (!melHit)
            {
                mel = analysis.LogMel;
                cache?.Put(logMel, hash, mel);
            }
            if (!pitchHit)
            {
                track = analysis.Pitch!;
                cache?.Put(pitchTrack!, hash, track);
            }
        }
        var sequence = pipeline.Sequence(pipeline.Restore(mel!, track));
        var perturbed = track is null || !perturbedFunctionals || variant is not null ? null : FunctionalsTrainer.Perturbed(mel!, track, Profile.FloorDb);
        return (new SequenceExample(sequence.Sequence, sequence.Functionals, perturbed), melHit && pitchHit);
    }
}
