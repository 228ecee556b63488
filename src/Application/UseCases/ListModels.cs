using EmotionRecognition.Application.Abstractions;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>What is serving now: the set's id and, per network, its profile, labels, metrics and age.</summary>
public sealed record ListModels : IQuery<ModelCatalog>;

public sealed record ModelCatalog(string ModelSetId, IReadOnlyList<ModelDescription> Models);

public sealed class ListModelsHandler(IEmotionClassifier classifier) : IQueryHandler<ListModels, ModelCatalog>
{
    public ValueTask<ModelCatalog> Handle(ListModels query, CancellationToken ct)
    {
        var models = classifier.Current;
        return ValueTask.FromResult(new ModelCatalog(models.Id, models.Models));
    }
}
