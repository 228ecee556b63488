using System.Net;
using System.Net.Http.Headers;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Audio;

/// <summary>
/// Every format users send, raw and as a multipart file, for every network, through the Api over the
/// real classifier and a saved model set (CNN, DNN, CRNN): the same sound gives the same answer as
/// its WAV, exactly (1e-4) for lossless formats and closely for lossy ones, which are decoded at their
/// own rate and resampled by the same resampler.
/// </summary>
[TestFixture]
public sealed class AudioFormatsApiTests
{
    /// <summary>
    /// Lossy coding changes the signal a little. On these (untrained) networks the largest change of any
    /// probability measured 0.056 (Opus 64 kb/s, DNN), 0.031 (MP3 128 kb/s, DNN), under 0.006 for AAC
    /// and Vorbis and under 0.001 for every format on the CRNN; lossless formats measured exactly 0.
    /// The native rate and length of each decode are pinned in <see cref="FfmpegAudioDecoderTests"/>.
    /// </summary>
    private const float LossyTolerance = 0.1f;

    private TempFolder _folder = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private readonly Dictionary<string, float[]> _wavAnswers = [];

    [OneTimeSetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        TestModelSets.Save(new ModelStore(_folder.Path), seed: 17);
        _factory = new ApiFactory(new ModelSetClassifier(new ModelsOptions { Path = _folder.Path }));
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _client.Dispose();
        _factory.Dispose();
        _folder.Dispose();
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var encoding in AudioEncoding.All)
        {
            foreach (var network in new[] { "CNN", "DNN", "CRNN" })
            {
                foreach (var multipart in new[] { false, true })
                {
                    yield return new TestCaseData(encoding, network, multipart)
                        .SetName($"Predict_{encoding.Name}_{(multipart ? "Multipart" : "RawBody")}_{network}_SameAnswerAsTheWav");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Predict_Format_SameAnswerAsTheWav(AudioEncoding encoding, string network, bool multipart)
    {
        var expected = await WavAnswer(network);
        var file = EncodedAudio.Encode(encoding);

        var probabilities = await Predict(network, file, encoding.ContentType, multipart, "clip" + encoding.Extension);

        Assert.That(probabilities, Has.Length.EqualTo(Emotions.Count));
        Assert.That(probabilities, Is.EqualTo(expected).Within(encoding.Lossless ? 1e-4f : LossyTolerance));
    }

    [TestCase("Mp3", "audio/wav")]
    [TestCase("Flac", "audio/mpeg")]
    [TestCase("M4aAac", "audio/ogg")]
    [TestCase("WebmOpus", "application/octet-stream")]
    [TestCase("Aiff", "audio/x-m4a")]
    public async Task Predict_ContentTypeThatNamesAnotherFormat_TheBytesDecide(string format, string contentType)
    {
        var encoding = AudioEncoding.All.Single(e => e.Name == format);

        var probabilities = await Predict("DNN", EncodedAudio.Encode(encoding), contentType, multipart: false, null);

        Assert.That(probabilities, Is.EqualTo(await WavAnswer("DNN")).Within(encoding.Lossless ? 1e-4f : LossyTolerance));
    }

    [Test]
    public async Task Predict_MultipartFileNamedWav_ThatIsReallyOpus_TheBytesDecide()
    {
        var opus = EncodedAudio.Encode(AudioEncoding.All.Single(e => e.Name == "OggOpus"));

        var probabilities = await Predict("CNN", opus, "audio/wav", multipart: true, "recording.wav");

        Assert.That(probabilities, Is.EqualTo(await WavAnswer("CNN")).Within(LossyTolerance));
    }

    private async Task<float[]> WavAnswer(string network)
    {
        if (!_wavAnswers.TryGetValue(network, out var answer))
        {
            answer = _wavAnswers[network] = await Predict(network, EncodedAudio.SourceWav, "audio/wav", multipart: false, null);
        }
        return answer;
    }

    private async Task<float[]> Predict(string network, byte[] file, string contentType, bool multipart, string? fileName)
    {
        HttpContent content = PredictionRequests.Wav(file, contentType);
        if (multipart)
        {
            content = new MultipartFormDataContent { { content, "file", fileName ?? "clip" } };
        }
        using (content)
        {
            var response = await _client.PostAsync($"/prediction/{network}", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            return PredictionRequests.Probabilities(text);
        }
    }
}
