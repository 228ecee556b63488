using FluentValidation;

namespace EmotionRecognition.Application.UseCases;

/// <summary>Only the network is checked here: whether the bytes are audio is the WAV reader's call (422, not 400).</summary>
public sealed class PredictFromAudioValidator : AbstractValidator<PredictFromAudio>
{
    public PredictFromAudioValidator() => RuleFor(q => q.Network).MustBeNetworkType();
}
