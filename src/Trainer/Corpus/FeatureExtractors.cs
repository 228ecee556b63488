using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Trainer.Corpus;

public static class FeatureExtractors
{
    /// <summary>
    /// Mean MFCCs through <see cref="FeaturePipeline"/>, the same code the Api serves with. One pipeline
    /// per profile: its tables are immutable and its scratch space per call, so threads share it.
    /// </summary>
    public static ExtractFeatures Mean(FeatureProfile profile)
    {
        var pipeline = new FeaturePipeline(profile);
        return wav => pipeline.ExtractMean(wav);
    }
}
