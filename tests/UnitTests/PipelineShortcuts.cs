using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests;

/// <summary>The feature road's steps composed for a test that wants one product of a clip.</summary>
internal static class PipelineShortcuts
{
    public static float[] ExtractMean(this FeaturePipeline pipeline, AudioClip clip) => pipeline.MfccMean(pipeline.Analyse(clip));

    public static float[] ExtractMean(this FeaturePipeline pipeline, ReadOnlySpan<byte> wav) => pipeline.ExtractMean(WavReader.Read(wav));

    public static SpeechSequence ExtractSpeech(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Sequence(pipeline.Analyse(clip));

    public static FeatureMatrix ExtractSequence(this FeaturePipeline pipeline, AudioClip clip) => pipeline.ExtractSpeech(clip).Sequence;

    public static FeatureMatrix ExtractLogMel(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Analyse(clip).LogMel;

    public static FeatureMatrix ExtractMfcc(this FeaturePipeline pipeline, AudioClip clip) => pipeline.Mfcc(pipeline.Analyse(clip));

    public static PitchTrack Track(this PitchTracker tracker, FeatureProfile profile, AudioClip clip) => tracker.Track(FeaturePipeline.For(profile).Analyse(clip).Signal.Span);
}
