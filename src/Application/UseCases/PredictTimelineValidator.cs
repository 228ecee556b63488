using FluentValidation;

namespace EmotionRecognition.Application.UseCases;

/// <summary>Only the network is checked here: whether the bytes are audio is the decoder's call (422, not 400).</summary>
public sealed class PredictTimelineValidator : AbstractValidator<PredictTimeline>
{
    public PredictTimelineValidator() => RuleFor(q => q.Network).MustBeNetworkType();
}
