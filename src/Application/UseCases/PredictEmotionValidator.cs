using EmotionRecognition.Application.Abstractions;
using FluentValidation;

namespace EmotionRecognition.Application.UseCases;

public sealed class PredictEmotionValidator : AbstractValidator<PredictEmotion>
{
    public PredictEmotionValidator(IEmotionClassifier classifier)
    {
        RuleFor(q => q.Network).MustBeNetworkType().MustTakeMfccVector();
        RuleFor(q => q.Mfccs).Custom((mfccs, context) =>
            PredictionRules.CheckMfccVector(mfccs, "mfccs", PredictionRules.ExpectedMfccCount(classifier), context));
    }
}
