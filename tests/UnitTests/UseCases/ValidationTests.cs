using EmotionRecognition.Application.Behaviors;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using FluentValidation;
using Mediator;

namespace EmotionRecognition.UnitTests.UseCases;

[TestFixture]
public sealed class ValidationTests
{
    private static readonly FakeEmotionClassifier Loaded = new(new FakeModelSet());

    private static float[] Vector(int count = FeatureProfile.ContractMfccCount) => new float[count];

    private static Dictionary<string, string> Errors<T>(AbstractValidator<T> validator, T message) =>
        validator.Validate(message).Errors.ToDictionary(e => e.PropertyName, e => e.ErrorMessage);

    [Test]
    public void PredictEmotion_UnknownNetwork_NamesTheField_AndTheValidNetworks()
    {
        var errors = Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse("rnn"), Vector()));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "networkType" }));
        Assert.That(errors["networkType"], Does.Contain("'rnn'").And.Contain("CNN, DNN"));
    }

    [TestCase("cnn")]
    [TestCase("CNN")]
    [TestCase("Dnn")]
    public void PredictEmotion_NetworkInAnyCase_IsValid(string network)
    {
        Assert.That(Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse(network), Vector())), Is.Empty);
    }

    [TestCase("crnn")]
    [TestCase("CRNN")]
    public void PredictEmotion_AudioOnlyNetwork_IsRefusedWithAHintToSendAudio(string network)
    {
        var errors = Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse(network), Vector()));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "networkType" }));
        Assert.That(errors["networkType"], Does.Contain("CRNN network classifies audio only").And.Contain("audio/wav").And.Contain("CNN, DNN"));
    }

    [Test]
    public void PredictBatch_AudioOnlyNetwork_IsRefused()
    {
        var errors = Errors(new PredictBatchValidator(Loaded, new PredictionOptions()), new PredictBatch(NetworkName.Parse("Crnn"), [Vector()]));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "networkType" }));
        Assert.That(errors["networkType"], Does.Contain("audio only"));
    }

    [Test]
    public void PredictFromAudio_AudioOnlyNetwork_IsValid()
    {
        Assert.That(new PredictFromAudioValidator().Validate(new PredictFromAudio(NetworkName.Parse("crnn"), [1, 2, 3])).IsValid, Is.True);
    }

    [TestCase(0)]
    [TestCase(24)]
    [TestCase(26)]
    public void PredictEmotion_WrongCount_NamesMfccs_AndTheExpectedCount(int count)
    {
        var errors = Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse("DNN"), Vector(count)));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "mfccs" }));
        Assert.That(errors["mfccs"], Does.Contain("25").And.Contain($"not {count}"));
    }

    [Test]
    public void PredictEmotion_MissingVector_NamesMfccs()
    {
        var errors = Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse("DNN"), null));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "mfccs" }));
        Assert.That(errors["mfccs"], Does.Contain("required"));
    }

    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    [TestCase(float.NaN)]
    public void PredictEmotion_NonFiniteNumber_NamesItsIndex(float value)
    {
        var vector = Vector();
        vector[3] = value;

        var errors = Errors(new PredictEmotionValidator(Loaded), new PredictEmotion(NetworkName.Parse("DNN"), vector));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "mfccs[3]" }));
        Assert.That(errors["mfccs[3]"], Does.Contain("float range"));
    }

    [Test]
    public void PredictBatch_OverTheLimit_NamesItems()
    {
        var validator = new PredictBatchValidator(Loaded, new PredictionOptions { MaxBatchItems = 2 });

        var errors = Errors(validator, new PredictBatch(NetworkName.Parse("CNN"), [Vector(), Vector(), Vector()]));

        Assert.That(errors.Keys, Is.EqualTo(new[] { "items" }));
        Assert.That(errors["items"], Does.Contain("1 to 2 items, not 3"));
    }

    [Test]
    public void PredictBatch_BadItems_NameEachItemAndIndex()
    {
        var validator = new PredictBatchValidator(Loaded, new PredictionOptions());
        var infinite = Vector();
        infinite[0] = float.PositiveInfinity;

        var errors = Errors(validator, new PredictBatch(NetworkName.Parse("CNN"), [Vector(), null, Vector(3), infinite]));

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "items[1].mfccs", "items[2].mfccs", "items[3].mfccs[0]" }));
    }

    [Test]
    public void PredictBatch_EmptyOrMissing_NamesItems()
    {
        var validator = new PredictBatchValidator(Loaded, new PredictionOptions());

        Assert.That(Errors(validator, new PredictBatch(NetworkName.Parse("CNN"), [])).Keys, Is.EqualTo(new[] { "items" }));
        Assert.That(Errors(validator, new PredictBatch(NetworkName.Parse("CNN"), null)).Keys, Is.EqualTo(new[] { "items" }));
    }

    [Test]
    public async Task ValidationBehavior_InvalidMessage_ThrowsOneValidationExceptionAndNeverCallsTheHandler()
    {
        var behavior = new ValidationBehavior<PredictEmotion, IReadOnlyList<EmotionPrediction>>([new PredictEmotionValidator(Loaded)]);
        bool handled = false;
        MessageHandlerDelegate<PredictEmotion, IReadOnlyList<EmotionPrediction>> next = (_, _) =>
        {
            handled = true;
            return ValueTask.FromResult<IReadOnlyList<EmotionPrediction>>([]);
        };

        var error = await Assert.ThrowsAsync<ValidationException>(async () => await behavior.Handle(new PredictEmotion(NetworkName.Parse("rnn"), Vector(3)), next, CancellationToken.None));

        Assert.That(error!.Errors.Select(e => e.PropertyName), Is.EquivalentTo(new[] { "networkType", "mfccs" }));
        Assert.That(handled, Is.False);
    }

    [Test]
    public async Task ValidationBehavior_ValidMessage_CallsTheHandler()
    {
        var behavior = new ValidationBehavior<PredictEmotion, IReadOnlyList<EmotionPrediction>>([new PredictEmotionValidator(Loaded)]);
        IReadOnlyList<EmotionPrediction> answer = [new EmotionPrediction(Emotion.Calm, 1f)];

        var result = await behavior.Handle(new PredictEmotion(NetworkName.Parse("dnn"), Vector()), (_, _) => ValueTask.FromResult(answer), CancellationToken.None);

        Assert.That(result, Is.SameAs(answer));
    }
}
