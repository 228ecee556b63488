using System.Collections.Concurrent;
using EmotionRecognition.Api.Binding;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.UnitTests.Audio;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// The shipped models answer a clip that the service resamples (Resampler, polyphase) as they answer
/// the same clip resampled beforehand by the serial port of resampy (ResampyReference) and sent at
/// 22 050 Hz: within 1e-4 on every probability, on every audio route. For CRNN the whole clip is
/// resampled; for the MFCC-vector networks the compat window (1.0 s + 2.5 s) is, so the reference
/// body is that window resampled, behind 1 s of silence that the window skips.
/// <para>
/// Corpus: 48 kHz copies of ../shared/ravdess, made by bench/make-48k-corpus.sh into
/// $RAVDESS_48K_DIR (default $TMPDIR/ravdess-48k); skipped when absent. The golden WAVs that are
/// not at 22 050 Hz always run.
/// </para>
/// </summary>
[TestFixture]
public sealed class ResampledAnswersTests
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Networks = ["CRNN", "DNN", "CNN"];

    private WebApplicationFactory<PredictionInput> _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartWithTheShippedModels()
    {
        _factory = new WebApplicationFactory<PredictionInput>();
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task Answers_GoldenWavsNotAt22050Hz_MatchTheResampyResampledClip()
    {
        var files = Directory.GetFiles(GoldenWavs.Folder, "*.wav").Order(StringComparer.Ordinal)
            .Where(path => WavReader.ReadFile(path).SampleRateHz != 22050).ToArray();

        var worst = await WorstMovementAsync(files);

        Assert.That(worst.Difference, Is.LessThan(Tolerance), $"{worst.File} ({worst.Network})");
    }

    [Test]
    public async Task Answers_Ravdess48kHzCopies_MatchTheResampyResampledClip()
    {
        var folder = Environment.GetEnvironmentVariable("RAVDESS_48K_DIR") ?? Path.Combine(Path.GetTempPath(), "ravdess-48k");
        Assume.That(Directory.Exists(folder), $"No 48 kHz copy of the corpus at {folder}: make it with bench/make-48k-corpus.sh.");
        var files = Directory.GetFiles(folder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Assume.That(files, Is.Not.Empty, $"{folder} holds no WAV files.");

        var worst = await WorstMovementAsync(files);

        Assert.That(worst.Difference, Is.LessThan(Tolerance), $"{worst.File} ({worst.Network})");
    }

    private async Task<(double Difference, string File, string Network)> WorstMovementAsync(IReadOnlyList<string> files)
    {
        var worst = new ConcurrentBag<(double, string, string)>();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (path, ct) =>
        {
            var bytes = await File.ReadAllBytesAsync(path, ct);
            var clip = WavReader.Read(bytes);
            var whole = FloatWav(ResampyReference.Resample(clip.Samples, clip.SampleRateHz, 22050));
            var start = Math.Min(clip.Samples.Length, clip.SampleRateHz);
            var window = clip.Samples.AsSpan(start, (int)Math.Min(2.5 * clip.SampleRateHz, clip.Samples.Length - start));
            var compat = FloatWav([.. new float[22050], .. ResampyReference.Resample(window, clip.SampleRateHz, 22050)]);
            foreach (var network in Networks)
            {
                var ours = await AnswerAsync(network, bytes, ct);
                var reference = await AnswerAsync(network, network == "CRNN" ? whole : compat, ct);
                var difference = ours.Zip(reference, (a, b) => Math.Abs((double)a - b)).Max();
                worst.Add((difference, path, network));
            }
        });

        var result = worst.MaxBy(w => w.Item1);
        TestContext.Out.WriteLine($"{files.Count} files, worst probability movement {result.Item1:E2} ({result.Item2}, {result.Item3})");
        foreach (var network in Networks)
            TestContext.Out.WriteLine($"  {network}: worst {worst.Where(w => w.Item3 == network).Max(w => w.Item1):E2}");
        return result;
    }

    private async Task<float[]> AnswerAsync(string network, byte[] wav, CancellationToken ct)
    {
        using var response = await _client.PostAsync($"/prediction/{network}", PredictionRequests.Wav(wav), ct);
        var json = await response.Content.ReadAsStringAsync(ct);
        Assert.That(response.IsSuccessStatusCode, json);
        return PredictionRequests.Probabilities(json);
    }

    /// <summary>A mono IEEE-float WAV at 22 050 Hz, so the reference samples reach the service unrounded.</summary>
    private static byte[] FloatWav(float[] samples)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples.Length * 4);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)3);      // WAVE_FORMAT_IEEE_FLOAT
        writer.Write((short)1);
        writer.Write(22050);
        writer.Write(22050 * 4);
        writer.Write((short)4);
        writer.Write((short)32);
        writer.Write("data"u8);
        writer.Write(samples.Length * 4);
        foreach (var sample in samples)
            writer.Write(sample);
        writer.Flush();
        return stream.ToArray();
    }
}
