using System.Globalization;
using System.Text;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;

namespace EmotionRecognition.IntegrationTests.Road;

/// <summary>
/// The shipped model set's answers for every RAVDESS clip in ../shared and every golden WAV, for every network,
/// pinned against shipped-answers.tsv beside this file. Refactoring the road from audio to answer must not move
/// them; a deliberate change (new models, another resampler) regenerates the file with
/// <c>EMOTION_WRITE_SHIPPED_ANSWERS=1 dotnet test --filter ShippedAnswersTests</c> and says why in its commit.
/// By default every fifth corpus clip is checked (a minute instead of five); <c>EMOTION_ALL_SHIPPED_ANSWERS=1</c>
/// checks all of them.
/// </summary>
[TestFixture]
public sealed class ShippedAnswersTests
{
    private const double Tolerance = 1e-6;

    private static string RepositoryRoot => Native.TorchSharpLoadingTests.RepositoryRoot();

    private static string SnapshotPath => Path.Combine(RepositoryRoot, "tests", "IntegrationTests", "Road", "shipped-answers.tsv");

    [Test]
    public void ShippedSet_AnswersEveryCorpusAndGoldenClipAsPinned()
    {
        var shared = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        var corpus = Path.Combine(shared, "ravdess");
        var golden = Path.Combine(shared, "golden", "wav");
        Assume.That(Directory.Exists(corpus) && Directory.Exists(golden),
            $"needs the RAVDESS copy and golden WAVs in {shared} (next to the repository)");
        var files = Directory.EnumerateFiles(golden, "*.wav").Order(StringComparer.Ordinal)
            .Concat(Directory.EnumerateFiles(corpus, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .ToArray();
        var everyClip = Environment.GetEnvironmentVariable("EMOTION_ALL_SHIPPED_ANSWERS") == "1"
            || Environment.GetEnvironmentVariable("EMOTION_WRITE_SHIPPED_ANSWERS") == "1";
        if (!everyClip)
        {
            files = files.Where((file, i) => file.StartsWith(golden, StringComparison.Ordinal) || i % 5 == 0).ToArray();
        }
        var set = new ModelStore(Path.Combine(RepositoryRoot, "models")).LoadCurrent();

        var answers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var clip = WavReader.Read(File.ReadAllBytes(file));
            var name = Path.GetRelativePath(shared, file).Replace('\\', '/');
            foreach (var network in NetworkTypes.All)
            {
                answers[$"{name}\t{network.Name()}"] = Answer(set, network, clip);
            }
        }

        if (Environment.GetEnvironmentVariable("EMOTION_WRITE_SHIPPED_ANSWERS") == "1")
        {
            Write(answers);
            Assert.Inconclusive($"wrote {answers.Count} answers to {SnapshotPath}");
        }
        var pinned = Read();
        Assert.That(answers.Keys.Where(k => !pinned.ContainsKey(k)), Is.Empty, "clips and networks that are not pinned");
        if (everyClip)
        {
            Assert.That(pinned.Keys, Is.EquivalentTo(answers.Keys), "the same clips and networks as pinned");
        }
        var worst = answers.Max(a => a.Value.Zip(pinned[a.Key], (x, y) => Math.Abs((double)x - y)).Max());
        TestContext.Out.WriteLine($"{answers.Count} answers, worst difference {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    private static float[] Answer(IModelSet set, NetworkType network, AudioClip clip) =>
        set.ClassifyAsync(network, clip).AsTask().GetAwaiter().GetResult();

    private static void Write(IReadOnlyDictionary<string, float[]> answers)
    {
        var text = new StringBuilder();
        foreach (var (key, probabilities) in answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append(key);
            foreach (var p in probabilities)
            {
                text.Append('\t').Append(p.ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        File.WriteAllText(SnapshotPath, text.ToString());
    }

    private static Dictionary<string, float[]> Read()
    {
        Assert.That(File.Exists(SnapshotPath), Is.True, $"missing {SnapshotPath}");
        var pinned = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(SnapshotPath).Where(l => l.Length > 0))
        {
            var fields = line.Split('\t');
            pinned[$"{fields[0]}\t{fields[1]}"] = fields.Skip(2).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        return pinned;
    }
}
