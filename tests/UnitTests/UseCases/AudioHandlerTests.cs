using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using EmotionRecognition.UnitTests.Audio;

namespace EmotionRecognition.UnitTests.UseCases;

[TestFixture]
public sealed class AudioHandlerTests
{
    private static PredictFromAudioHandler Handler(FakeModelSet models)
    {
        var metrics = new PredictionMetrics();
        var options = new PredictionOptions { MaxInferenceBatch = 1 };
        return new PredictFromAudioHandler(new FakeEmotionClassifier(models), metrics, NoExternalDecoder.Decoder(new AudioLimits { MaxSeconds = options.MaxAudioSeconds }));
    }

    [Test]
    public async Task PredictFromAudio_ExtractsWithTheServedSetsProfile_NotTheContractDefault()
    {
        var wav = File.ReadAllBytes(TestData.GoldenWav("speech_22050_s16.wav"));
        var handler = Handler(new FakeModelSet { Profile = FeatureProfile.Full });

        var predictions = await handler.Handle(new PredictFromAudio(NetworkName.Parse("dnn"), wav), CancellationToken.None);

        var full = new FeaturePipeline(FeatureProfile.Full).ExtractMean(WavReader.Read(wav));
        var compat = new FeaturePipeline(FeatureProfile.Compat).ExtractMean(WavReader.Read(wav));
        Assert.That(predictions.Select(p => p.Probability), Is.EqualTo(FakeModelSet.Softmax(full)));
        Assert.That(FakeModelSet.Softmax(full), Is.Not.EqualTo(FakeModelSet.Softmax(compat)));
        Assert.That(predictions.Select(p => p.Emotion), Is.EqualTo(Emotions.InLabelOrder));
    }

    [Test]
    public async Task PredictFromAudio_NotAudio_ThrowsTheDecodersInvalidAudioException()
    {
        var handler = Handler(new FakeModelSet());

        var error = await Assert.ThrowsAsync<InvalidAudioException>(async () =>
            await handler.Handle(new PredictFromAudio(NetworkName.Parse("CNN"), "not a wav file"u8.ToArray()), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("not recognised"));
    }
}
