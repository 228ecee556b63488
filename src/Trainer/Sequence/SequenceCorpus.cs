using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>One usable clip for a sequence network: its label, speaker and prepared sequence.</summary>
/// <param name="Features">[bands, frames] after <see cref="SequenceFeatures.Prepare"/>; [bands + pitch rows, frames] after
/// <see cref="PitchFeatures.Prepare"/> for a profile with pitch rows.</param>
/// <param name="Functionals">The clip's <see cref="ClipFunctionals"/> (profiles with pitch rows; null otherwise and in worker processes,
/// which train networks only).</param>
/// <param name="PerturbedFunctionals">The clip's functionals under each of <see cref="FunctionalsTrainer.Perturbations"/>, in that
/// order: what the functionals model trains on besides <paramref name="Functionals"/> (null where that is null, and unless the
/// reader was asked for them: <see cref="SequenceFeatureReader"/>'s perturbedFunctionals).</param>
public sealed record SequenceClip(
    string Path, RavdessFileName Name, string ContentHash, FeatureMatrix Features, float[]? Functionals = null, IReadOnlyList<float[]>? PerturbedFunctionals = null)
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
/// Reads every clip of a scan through the profile's <see cref="FeaturePipeline"/> (or the caches) and prepares it as
/// <see cref="FeaturePipeline.ExtractSequence"/> does for serving: <see cref="SequenceFeatures.Prepare"/> of the log-mel,
/// or with pitch rows <see cref="PitchFeatures.Prepare"/> of the log-mel and the pitch track. The raw log-mel and the
/// raw track are cached (in <paramref name="cachePath"/>, when given), never the prepared input. A clip that cannot be
/// read or decoded is skipped with the reason, never aborting the run.
/// </summary>
public sealed class SequenceFeatureReader
{
    private readonly FeaturePipeline pipeline;
    private readonly SequenceFeatureCache? cache;
    private readonly PitchTrackCache? pitchCache;
    private readonly bool perturbedFunctionals;

    /// <param name="perturbedFunctionals">Also compute each clip's <see cref="SequenceClip.PerturbedFunctionals"/> (8 more
    /// functionals vectors a clip): only a recipe that fits a functionals model needs them.</param>
    public SequenceFeatureReader(FeatureProfile profile, string? cachePath, bool perturbedFunctionals = false)
    {
        pipeline = FeaturePipeline.For(profile);
        this.perturbedFunctionals = perturbedFunctionals;
        if (cachePath is null)
        {
            return;
        }
        var cacheProfile = CacheProfile(profile);
        cache = new SequenceFeatureCache(cachePath, cacheProfile);
        pitchCache = profile.PitchRows > 0 ? new PitchTrackCache(cachePath, cacheProfile, new PitchTracker(profile)) : null;
    }

    /// <summary>
    /// The profile the caches are keyed by. <see cref="FeatureProfile.SequencePitch"/> computes exactly the log-mel and the
    /// frame grid of <see cref="FeatureProfile.Sequence"/>, so its log-mel and pitch tracks are filed under that profile:
    /// pitch runs reuse the log-mel of earlier plain runs, and the pitch tracks of <c>CrnnLab pitch=true</c>.
    /// </summary>
    public static FeatureProfile CacheProfile(FeatureProfile profile) =>
        profile == FeatureProfile.SequencePitch ? FeatureProfile.Sequence : profile;

    public SequenceSet Read(CorpusScan scan, IProgressReporter progress, CancellationToken ct)
    {
        var read = ParallelClipReader.Read(scan, progress, "Sequence features", (file, bytes, hash) =>
        {
            var (features, functionals, perturbed, hit) = ReadOne(bytes, hash);
            return (new SequenceClip(file.Path, file.Name, hash, features, functionals, perturbed), hit);
        }, ct);
        return new SequenceSet(read.Clips, read.Skipped, read.CacheHits, read.Extracted);
    }

    /// <summary>The log-mel (and the pitch track, for a profile with pitch rows) from or into their caches, prepared as
    /// <see cref="FeaturePipeline.ExtractSequence"/> prepares them, with their functionals as <see cref="FeaturePipeline.ExtractSpeech"/>
    /// computes them; a clip missing any part is decoded and resampled once.</summary>
    private (FeatureMatrix Features, float[]? Functionals, IReadOnlyList<float[]>? PerturbedFunctionals, bool CacheHit) ReadOne(byte[] bytes, string hash)
    {
        var tracked = pipeline.Profile.PitchRows > 0;
        FeatureMatrix? logMel = null;
        PitchTrack? track = null;
        bool melHit = cache is not null && cache.TryGet(hash, out logMel);
        bool pitchHit = !tracked || (pitchCache is not null && pitchCache.TryGet(hash, out track));
        if (!melHit || !pitchHit)
        {
            var analysis = pipeline.Analyse(AudioDecoding.ForLocalFiles.Decode(bytes));
            if (!melHit)
            {
                logMel = analysis.LogMel;
                cache?.Put(hash, logMel);
            }
            if (!pitchHit)
            {
                track = analysis.Pitch;
                pitchCache?.Put(hash, track!);
            }
        }
        var sequence = pipeline.Sequence(pipeline.Restore(logMel!, track));
        return (sequence.Sequence,
            sequence.Functionals,
            track is null || !perturbedFunctionals ? null : FunctionalsTrainer.Perturbed(logMel!, track),
            melHit && pitchHit);
    }
}
