using System.Collections.Concurrent;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// One <see cref="FeaturePipeline"/> per feature profile, built on first use: its tables cost far more
/// than an extraction, and an instance is safe to share across threads.
/// </summary>
public sealed class FeaturePipelines
{
    private readonly ConcurrentDictionary<FeatureProfile, FeaturePipeline> _byProfile = new();

    public FeaturePipeline For(FeatureProfile profile) => _byProfile.GetOrAdd(profile, static p => new FeaturePipeline(p));
}
