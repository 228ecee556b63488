using EmotionRecognition.Application.Abstractions;
using FluentValidation;
using FluentValidation.Results;

namespace EmotionRecognition.Application.UseCases;

public sealed class PredictBatchValidator : AbstractValidator<PredictBatch>
{
    public PredictBatchValidator(IEmotionClassifier classifier, PredictionOptions options)
    {
        RuleFor(q => q.Network).MustBeNetworkType().MustTakeMfccVector();
        RuleFor(q => q.Items).Custom((items, context) =>
        {
            if (items is null)
            {
                context.AddFailure(new ValidationFailure("items", "'items' is required: an array of {\"mfccs\":[…]} objects."));
                return;
            }
            if (items.Count == 0 || items.Count > options.MaxBatchItems)
            {
                context.AddFailure(new ValidationFailure("items", $"'items' must hold 1 to {options.MaxBatchItems} items, not {items.Count}."));
                return;
            }
            int expected = PredictionRules.ExpectedMfccCount(classifier);
            for (int i = 0; i < items.Count; i++)
            {
                PredictionRules.CheckMfccVector(items[i], $"items[{i}].mfccs", expected, context);
            }
        });
    }
}
