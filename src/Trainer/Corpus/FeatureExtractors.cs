using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Audio;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>
/// Makes the extractor for a profile. A <paramref name="speed"/> other than 1 plays the clip that much
/// faster first (training-time augmentation only); 1 is exactly what serving computes.
/// </summary>
internal delegate ExtractFeatures ExtractorFactory(FeatureProfile profile, double speed);

internal static class FeatureExtractors
{
    /// <summary>
    /// Mean MFCCs through <see cref="FeaturePipeline"/>, the same code the Api serves with. One pipeline
    /// per profile: its tables are immutable and its scratch space per call, so threads share it.
    /// </summary>
    public static ExtractFeatures Mean(FeatureProfile profile, double speed)
    {
        var pipeline = FeaturePipeline.For(profile);
        if (speed == 1.0)
        {
            return wav => pipeline.MfccMean(pipeline.Analyse(AudioDecoding.ForLocalFiles.Decode(wav)));
        }
        // Speed perturbation (Ko et al., 2015): declaring the samples to be at rate·speed and resampling
        // to the profile's rate plays the clip `speed` times faster, scaling pitch, formants and tempo
        // together; a cheap stand-in for other speakers' voices.
        return wav =>
        {
            var clip = AudioDecoding.ForLocalFiles.Decode(wav);
            return pipeline.MfccMean(pipeline.Analyse(new AudioClip(clip.Samples, (int)Math.Round(clip.SampleRateHz * speed))));
        };
    }
}
