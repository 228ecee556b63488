using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

/// <summary>
/// Agreement with librosa 0.11 (../shared/golden/librosa/*.json) for every golden WAV and the
/// four zero-padded variants the product can produce: at 22 050 Hz (resampled with kaiser_fast)
/// or at the file's own rate, over the compat window (1.0 s + 2.5 s) or the whole file.
/// Tolerance: 1e-3 · max(1, |reference|) on every mean and every sampled frame value.
/// </summary>
public sealed class GoldenMfccTests
{
    private const double RelativeTolerance = 1e-3;

    private static readonly string[] Variants =
        ["sr22050/orig/constant", "sr22050/full/constant", "native/orig/constant", "native/full/constant"];

    public static IEnumerable<TestCaseData> Cases() =>
        from wav in TestData.GoldenWavNames()
        from variant in Variants
        select new TestCaseData(wav, variant).SetArgDisplayNames(wav, variant);

    [TestCaseSource(nameof(Cases))]
    public void Mfcc_GoldenWav_MatchesLibrosa(string wavName, string variant)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.GoldenJson(wavName)));
        var golden = json.RootElement.GetProperty("variants").GetProperty(variant);
        var clip = WavReader.ReadFile(TestData.GoldenWav(wavName));
        var pipeline = new FeaturePipeline(ProfileFor(variant, clip.SampleRateHz));

        if (golden.TryGetProperty("error", out var error))
        {
            // librosa refused this input; so must we (with our one audio exception type).
            Assert.That(() => pipeline.ExtractMfcc(clip), Throws.TypeOf<InvalidAudioException>(), error.GetString());
            return;
        }

        var mfcc = pipeline.ExtractMfcc(clip);
        var means = pipeline.ExtractMean(clip);

        var shape = golden.GetProperty("mfcc_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.That(new[] { mfcc.Rows, mfcc.Frames }, Is.EqualTo(shape), "mfcc_shape");

        var worst = 0.0;
        var expectedMeans = Floats(golden.GetProperty("mfcc_mean"));
        for (var k = 0; k < expectedMeans.Length; k++)
        {
            worst = Math.Max(worst, ScaledError(means[k], expectedMeans[k]));
            Assert.That(means[k], Is.EqualTo(expectedMeans[k]).Within(Tolerance(expectedMeans[k])), $"mfcc_mean[{k}]");
            Assert.That(mfcc.MeanOverFrames()[k], Is.EqualTo(expectedMeans[k]).Within(Tolerance(expectedMeans[k])), $"MeanOverFrames[{k}]");
        }

        var sample = golden.GetProperty("frames_sample");
        var indices = sample.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var columns = sample.GetProperty("mfcc").EnumerateArray().Select(Floats).ToArray();
        for (var i = 0; i < indices.Length; i++)
        {
            for (var k = 0; k < columns[i].Length; k++)
            {
                var expected = columns[i][k];
                worst = Math.Max(worst, ScaledError(mfcc[k, indices[i]], expected));
                Assert.That(mfcc[k, indices[i]], Is.EqualTo(expected).Within(Tolerance(expected)), $"frame {indices[i]}, coefficient {k}");
            }
        }

        TestContext.Out.WriteLine($"GOLDEN {variant} {wavName} worst scaled error {worst:E2}");
    }

    /// <summary>compat or full at 22 050 Hz ("sr22050") or at the file's own rate ("native": no resampling).</summary>
    private static FeatureProfile ProfileFor(string variant, int nativeRateHz)
    {
        var parts = variant.Split('/');
        var profile = parts[1] == "orig" ? FeatureProfile.Compat : FeatureProfile.Full;
        return parts[0] == "native" ? profile with { SampleRateHz = nativeRateHz } : profile;
    }

    private static double Tolerance(double expected) => RelativeTolerance * Math.Max(1.0, Math.Abs(expected));

    private static double ScaledError(double actual, double expected) => Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));

    private static double[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
