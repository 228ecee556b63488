using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using FluentValidation;
using FluentValidation.Results;

namespace EmotionRecognition.Application.UseCases;

/// <summary>Rules the prediction validators share, with the field names clients see.</summary>
internal static class PredictionRules
{
    /// <summary>Case-insensitive CNN or DNN; the message lists the valid names, as the original answered 400.</summary>
    public static IRuleBuilderOptions<T, NetworkName> MustBeNetworkType<T>(this IRuleBuilder<T, NetworkName> rule) =>
        rule.Must(name => name.Network is not null)
            .WithMessage((_, name) => $"'{name.Text}' is not a valid network type; valid: {NetworkTypes.ValidNames}.")
            .OverridePropertyName("networkType");

    /// <summary>
    /// A network that takes the averaged-MFCC vector (CNN or DNN). A known network that classifies audio only
    /// (CRNN) is a 400 that says to send the WAV file; unknown names are left to <see cref="MustBeNetworkType{T}"/>.
    /// </summary>
    public static IRuleBuilderOptions<T, NetworkName> MustTakeMfccVector<T>(this IRuleBuilder<T, NetworkName> rule) =>
        rule.Must(name => name.Network is not { } network || network.TakesMfccVector())
            .WithMessage((_, name) =>
                $"The {name.Text.ToUpperInvariant()} network classifies audio only: send the WAV file (Content-Type: audio/wav, or a multipart file) " +
                $"instead of an MFCC vector. Networks that take 'mfccs': {NetworkTypes.MfccVectorNames}.")
            .OverridePropertyName("networkType");

    /// <summary>
    /// The MFCC vector a model takes: present, as many numbers as the served profile extracts, each a
    /// finite float (JSON numbers beyond float range arrive as ±Infinity and are refused here).
    /// Failures name the field as the client wrote it: <c>mfccs</c>, <c>mfccs[3]</c>, <c>items[2].mfccs</c>.
    /// </summary>
    public static void CheckMfccVector<T>(float[]? vector, string field, int expectedCount, ValidationContext<T> context)
    {
        if (vector is null)
        {
            context.AddFailure(new ValidationFailure(field, $"'{field}' is required: an array of {expectedCount} numbers."));
            return;
        }
        if (vector.Length != expectedCount)
        {
            context.AddFailure(new ValidationFailure(field, $"'{field}' must hold {expectedCount} numbers, not {vector.Length}."));
        }
        for (int i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                context.AddFailure(new ValidationFailure($"{field}[{i}]", "Each number must be within 32-bit float range (about ±3.4e38)."));
            }
        }
    }

    /// <summary>
    /// The coefficient count of the set serving now; the contract's 25 while none is loaded
    /// (the handler then answers 503, so a client is never told a wrong count).
    /// </summary>
    public static int ExpectedMfccCount(IEmotionClassifier classifier) =>
        classifier.UnavailableReason is null
            ? ServedProfile.Of(classifier.Current).CoefficientCount
            : FeatureProfile.ContractMfccCount;
}

/// <summary>The feature profile a model set was trained with.</summary>
internal static class ServedProfile
{
    /// <summary>
    /// The profile of the set's MFCC-vector networks (trained together on one profile): what the
    /// <c>mfccs</c> contract means. Sequence networks carry their own profile, read per network.
    /// </summary>
    public static FeatureProfile Of(IModelSet models) =>
        (models.Models.FirstOrDefault(m => m.Network.TakesMfccVector()) ?? models.Models[0]).Profile;
}
