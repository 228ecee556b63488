using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Tests.Shared;

namespace EmotionRecognition.IntegrationTests.Road;

/// <summary>
/// A clip 30 dB quieter, stored in 16 bits as a low-gain microphone's WAV would be, gets nearly the same answer from the
/// shipped CRNN, which is trained with the level floor: the whole road (decode, analysis, floored input, networks,
/// functionals mix) on 100 RAVDESS clips of all 20 actors.
/// </summary>
[TestFixture]
public sealed class LevelInvarianceAnswersTests
{
    private static string RepositoryRoot => Native.TorchSharpLoadingTests.RepositoryRoot();

    private static (double[] Moves, double SameTop) Answers(double gainDb)
    {
        var clips = QuietRecordings.Clips(Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"))).ToArray();
        Assume.That(clips, Is.Not.Empty, "../shared/ravdess is missing: the level-invariance property needs real speech.");
        var set = new ModelStore(Path.Combine(RepositoryRoot, "models")).LoadCurrent();
        var same = 0;
        var moves = new double[clips.Length];
        for (var i = 0; i < clips.Length; i++)
        {
            var clip = WavReader.ReadFile(clips[i]);
            var clean = set.ClassifyAsync(NetworkType.Crnn, clip).AsTask().GetAwaiter().GetResult();
            var quiet = set.ClassifyAsync(NetworkType.Crnn, QuietRecordings.Quieter(clip, gainDb)).AsTask().GetAwaiter().GetResult();
            moves[i] = clean.Zip(quiet, (a, b) => Math.Abs((double)a - b)).Max();
            same += Array.IndexOf(clean, clean.Max()) == Array.IndexOf(quiet, quiet.Max()) ? 1 : 0;
        }
        TestContext.Out.WriteLine($"{gainDb} dB: median largest move {QuietRecordings.Quantile(moves, 0.5):F4}, 95th percentile {QuietRecordings.Quantile(moves, 0.95):F4}, worst {moves.Max():F4}, same top emotion {same}/{clips.Length}");
        return (moves, (double)same / clips.Length);
    }

    [Test]
    public void Crnn_ClipThirtyDbQuieterIn16Bit_GetsNearlyTheSameAnswer()
    {
        var (moves, sameTop) = Answers(-30);

        // Measured on the shipped set: median 0.005, 95th percentile 0.030, worst 0.11, 100 of 100 keep their top emotion.
        Assert.That(QuietRecordings.Quantile(moves, 0.5), Is.LessThan(0.02), "median of each clip's largest probability change");
        Assert.That(QuietRecordings.Quantile(moves, 0.95), Is.LessThan(0.1), "95th percentile");
        Assert.That(sameTop, Is.GreaterThanOrEqualTo(0.95), "share of clips that keep their top emotion");
    }

    [Test]
    public void Crnn_ClipFortyDbQuieterIn16Bit_MostlyKeepsItsAnswer()
    {
        var (moves, sameTop) = Answers(-40);

        // Measured on the shipped set: median 0.020, 95th percentile 0.36, 93 of 100 keep their top emotion.
        Assert.That(QuietRecordings.Quantile(moves, 0.5), Is.LessThan(0.06), "median of each clip's largest probability change");
        Assert.That(sameTop, Is.GreaterThanOrEqualTo(0.85), "share of clips that keep their top emotion");
    }
}
