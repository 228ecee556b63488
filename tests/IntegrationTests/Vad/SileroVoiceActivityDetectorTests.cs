using EmotionRecognition.Application.Audio;
using EmotionRecognition.Infrastructure.Vad;
using EmotionRecognition.IntegrationTests.Trainer;

namespace EmotionRecognition.IntegrationTests.Vad;

public sealed class SileroVoiceActivityDetectorTests
{
    private static readonly SileroVoiceActivityDetector Detector = new();

    [OneTimeTearDown]
    public void DisposeDetector() => Detector.Dispose();

    private static float[] SpeechAt16kHz()
    {
        var path = Path.Combine(RealAudioTests.SharedRavdess, "Actor_01", "03-01-05-02-01-01-01.wav");
        Assume.That(File.Exists(path), Is.True, $"test data missing: {path}");
        var clip = WavReader.ReadFile(path);
        return Resampler.Resample(clip.Samples, clip.SampleRateHz, Detector.SampleRateHz);
    }

    [Test]
    public void Process_Silence_IsNotSpeech()
    {
        using var session = Detector.StartSession();
        var probabilities = session.Process(new float[Detector.SampleRateHz * 2]);

        Assert.That(probabilities, Has.Count.EqualTo(2 * 16_000 / 512));
        Assert.That(probabilities.Max(), Is.LessThan(0.1f));
    }

    [Test]
    public void Process_RavdessSentence_IsSpeechInTheMiddleNotAtTheStart()
    {
        var speech = SpeechAt16kHz();
        using var session = Detector.StartSession();
        var probabilities = session.Process(speech);

        // RAVDESS clips open with about half a second of room tone before the sentence.
        Assert.That(probabilities.Take(8).Max(), Is.LessThan(0.3f), "first 0.25 s");
        Assert.That(probabilities.Count(p => p > 0.5f), Is.GreaterThan(probabilities.Count / 4), "windows heard as speech");
    }

    [Test]
    public void Process_InChunksOfAnySize_GivesTheSameProbabilitiesAsOneCall()
    {
        var speech = SpeechAt16kHz();
        using var whole = Detector.StartSession();
        var expected = whole.Process(speech);

        using var chunked = Detector.StartSession();
        var actual = new List<float>();
        var random = new Random(19);
        for (int start = 0; start < speech.Length;)
        {
            var count = Math.Min(random.Next(1, 3000), speech.Length - start);
            actual.AddRange(chunked.Process(speech.AsSpan(start, count)));
            start += count;
        }
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Sessions_RunInParallel_EachKeepsItsOwnState()
    {
        var speech = SpeechAt16kHz();
        using var reference = Detector.StartSession();
        var expected = reference.Process(speech);

        var results = new IReadOnlyList<float>[8];
        Parallel.For(0, results.Length, i =>
        {
            using var session = Detector.StartSession();
            results[i] = session.Process(speech);
        });
        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public void Constructor_ModelWithWrongChecksum_IsRefused()
    {
        var wrong = new string('0', 64);
        Assert.That(() => new SileroVoiceActivityDetector([1, 2, 3], wrong),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("SHA-256"));
    }
}
