using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Timeline;

namespace EmotionRecognition.UnitTests.Timeline;

[TestFixture]
public sealed class StreamingResamplerTests
{
    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => (float)(0.5 * Math.Sin(i * 0.05) + 0.3 * (random.NextDouble() - 0.5))).ToArray();
    }

    private static float[] InChunks(StreamingResampler resampler, float[] input, int seed)
    {
        var random = new Random(seed);
        var output = new List<float>();
        for (int start = 0; start < input.Length;)
        {
            var count = Math.Min(random.Next(1, 5000), input.Length - start);
            output.AddRange(resampler.Push(input.AsSpan(start, count)));
            start += count;
        }
        output.AddRange(resampler.Finish());
        return output.ToArray();
    }

    [TestCase(22050, 16000)]
    [TestCase(48000, 16000)]
    [TestCase(44100, 16000)]
    [TestCase(8000, 16000)]
    [TestCase(11025, 16000)]
    [TestCase(16000, 16000)]
    public void PushInChunks_MatchesResamplingTheWholeRecording(int fromRateHz, int toRateHz)
    {
        var input = Noise(fromRateHz * 3 + 123, fromRateHz);
        var whole = Resampler.Resample(input, fromRateHz, toRateHz);

        var streamed = InChunks(new StreamingResampler(fromRateHz, toRateHz), input, 5);

        Assert.That(streamed, Has.Length.EqualTo(whole.Length));
        var worst = whole.Zip(streamed, (a, b) => Math.Abs(a - b)).Max();
        Assert.That(worst, Is.LessThan(1e-5f));
    }

    [Test]
    public void Push_ShorterThanABlock_HoldsItsOutputUntilFinish()
    {
        var resampler = new StreamingResampler(22050, 16000);

        Assert.That(resampler.Push(Noise(1000, 1)), Is.Empty);
        Assert.That(resampler.Finish(), Has.Length.EqualTo((int)Math.Ceiling(1000 * 16000 / 22050.0)));
    }
}
