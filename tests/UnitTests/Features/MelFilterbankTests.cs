using System.Text.Json;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class MelFilterbankTests
{
    [TestCase(8000)]
    [TestCase(16000)]
    [TestCase(22050)]
    [TestCase(48000)]
    public void MelFilterbank_PeaksAreMonotonic(int sampleRateHz)
    {
        var bank = new MelFilterbank(sampleRateHz, 2048, 128, 0, sampleRateHz / 2.0);

        var peaks = Enumerable.Range(0, bank.BandCount).Select(bank.PeakBin).Where(p => p >= 0).ToArray();

        Assert.That(peaks, Is.Ordered.Ascending);
        Assert.That(peaks[^1], Is.GreaterThan(peaks[0]));
    }

    [Test]
    public void MelFilterbank_22050Hz_HasLibrosaShapeAndNonNegativeWeights()
    {
        var bank = new MelFilterbank(22050, 2048, 128, 0, 11025);

        Assert.That(bank.BandCount, Is.EqualTo(128));
        Assert.That(bank.BinCount, Is.EqualTo(1025));
        Assert.That(bank.EdgesHz, Has.Count.EqualTo(130));
        Assert.That(bank.EdgesHz[0], Is.EqualTo(0.0));
        Assert.That(bank.EdgesHz[^1], Is.EqualTo(11025.0).Within(1e-9));
        for (var m = 0; m < 128; m++)
        {
            for (var k = 0; k < 1025; k++)
                Assert.That(bank[m, k], Is.GreaterThanOrEqualTo(0.0), $"W[{m},{k}]");
        }
    }

    [Test]
    public void MelFilterbank_WideBands_HaveUnitAreaInHz()
    {
        // Slaney normalisation scales each triangle by 2/(hi − lo): its area Σ W·Δf is 1 (for bands
        // spanning many bins, where the sampled triangle approximates the continuous one).
        var bank = new MelFilterbank(22050, 2048, 128, 0, 11025);
        var binHz = 22050.0 / 2048;

        for (var m = 100; m < 128; m++)
        {
            var area = Enumerable.Range(0, bank.BinCount).Sum(k => bank[m, k]) * binHz;
            Assert.That(area, Is.EqualTo(1.0).Within(0.02), $"band {m}");
        }
    }

    [TestCase(0.0, 0.0)]
    [TestCase(200.0 / 3, 1.0)]
    [TestCase(1000.0, 15.0)]
    [TestCase(6400.0, 42.0)]   // 27 mels per factor 6.4 above 1 kHz
    public void HzToMel_FollowsTheSlaneyScale(double hz, double mel)
    {
        Assert.That(MelFilterbank.HzToMel(hz), Is.EqualTo(mel).Within(1e-12));
        Assert.That(MelFilterbank.MelToHz(mel), Is.EqualTo(hz).Within(1e-9));
    }

    [Test]
    public void Apply_SingleBin_PicksThatColumn()
    {
        var bank = new MelFilterbank(22050, 2048, 128, 0, 11025);
        var power = new double[1025];
        power[93] = 1;
        var mel = new double[128];

        bank.Apply(power, mel);

        for (var m = 0; m < 128; m++)
            Assert.That(mel[m], Is.EqualTo(bank[m, 93]), $"band {m}");
        Assert.That(mel.Count(v => v > 0), Is.InRange(1, 2));
    }

    [TestCase("tone_22050_s16.sr22050.orig.constant.json")]
    [TestCase("tone_16000_s16.sr22050.orig.constant.json")]
    public void MelFilterbank_MatchesLibrosaEdgesAndRows(string dump)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.GoldenJsonDirectory, "debug", dump)));
        var golden = json.RootElement.GetProperty("mel_filterbank");
        var bank = new MelFilterbank(22050, 2048, 128, 0, 11025);

        var edges = golden.GetProperty("mel_edges_hz").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.That(bank.EdgesHz.ToArray(), Is.EqualTo(edges).Within(1e-9));

        // librosa builds the weights in float32 (two roundings): compare at a few float32 ulps.
        var rows = golden.GetProperty("rows_sparse").EnumerateArray().ToArray();
        Assert.That(rows, Has.Length.EqualTo(128));
        for (var m = 0; m < rows.Length; m++)
        {
            var start = rows[m].GetProperty("start").GetInt32();
            var weights = rows[m].GetProperty("weights").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.That(bank[m, start - 1], Is.EqualTo(0.0), $"band {m} before its first bin");
            for (var i = 0; i < weights.Length; i++)
                Assert.That(bank[m, start + i], Is.EqualTo(weights[i]).Within(3e-7 * weights[i] + 1e-12), $"W[{m},{start + i}]");
            Assert.That(bank[m, start + weights.Length], Is.EqualTo(0.0), $"band {m} after its last bin");
        }
    }
}
