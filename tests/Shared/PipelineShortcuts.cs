using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition;

/// <summary>The feature road's steps composed for a test that wants one product of a clip (linked into both test projects).</summary>
internal static class PipelineShortcuts
{
    public static float[] ExtractMean(this FeaturePipeline pipeline, AudioClip clip) => pipeline.MfccMean(pipeline.Analyse(clip));

    public static float[] ExtractMean(this FeaturePipeline pipeline, ReadOnlySpan<byte> wav) => pipeline.ExtractMean(WavReader.Read(wav));

    public static SpeechSequence ExtractSpeech(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Sequence(pipeline.Analyse(clip));

    public static FeatureMatrix ExtractSequence(this FeaturePipeline pipeline, AudioClip clip) => pipeline.ExtractSpeech(clip).Sequence;

    public static FeatureMatrix ExtractLogMel(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Analyse(clip).LogMel;

    public static FeatureMatrix ExtractMfcc(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Mfcc(pipeline.Analyse(clip));

    public static PitchTrack Track(this PitchTracker tracker, FeatureProfile profile, AudioClip clip) => tracker.Track(FeaturePipeline.For(profile).Analyse(clip).Signal.Span);

    /// <summary>A sequence network's answer for a prepared sequence (the set's synchronous path, as the Trainer scores).</summary>
    public static float[] ClassifySequence(this IModelSet set, NetworkType network, FeatureMatrix sequence, float[]? functionals = null) =>
        set.ClassifyAsync(network, new SpeechSequence(sequence, functionals)).AsTask().GetAwaiter().GetResult();
}
