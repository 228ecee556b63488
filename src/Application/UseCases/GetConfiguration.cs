using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>The feature profile of the models serving now; clients read the MFCC count from it.</summary>
public sealed record GetConfiguration : IQuery<FeatureProfile>;

public sealed class GetConfigurationHandler(IEmotionClassifier classifier) : IQueryHandler<GetConfiguration, FeatureProfile>
{
    public ValueTask<FeatureProfile> Handle(GetConfiguration query, CancellationToken ct) =>
        ValueTask.FromResult(ServedProfile.Of(classifier.Current));
}
