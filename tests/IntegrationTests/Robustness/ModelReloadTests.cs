using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>
/// Faults around the models folder, with the real TorchSharp classifier and store and the Api's reload
/// poller (every 50 ms here): new sets are served without a restart and every answer comes from exactly one
/// complete set; a Trainer that dies mid-save and sets that are corrupt or from another build change nothing
/// that is served, and the refusal says why.
/// </summary>
[TestFixture]
public sealed class ModelReloadTests
{
    private static readonly (string, string) FastPolling = ("models:reload_poll_seconds", "0.05");
    private static readonly TimeSpan ReloadDeadline = TimeSpan.FromSeconds(30);
    private static readonly float[] Input = TestModelSets.Input(42);
    private static readonly string Body =
        "{\"mfccs\":[" + string.Join(",", Input.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}";

    /// <summary>What set <paramref name="setId"/> answers for <see cref="Input"/>, per network, by a direct load.</summary>
    private static Dictionary<NetworkType, float[]> ExpectedAnswers(string root, string setId)
    {
        var set = new ModelStore(root).Load(setId);
        return NetworkTypes.MfccVector.ToDictionary(n => n, n => set.ClassifyMany(n, [Input])[0]);
    }

    private static async Task WaitUntilServing(ModelSetClassifier classifier, string setId)
    {
        var deadline = DateTime.UtcNow + ReloadDeadline;
        while (classifier.UnavailableReason is not null || classifier.Current.Id != setId)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"set {setId} was not picked up within {ReloadDeadline.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    private static async Task<float[]> PredictOk(HttpClient client, NetworkType network)
    {
        var response = await client.PostAsync($"/prediction/{network.Name()}", ApiContractTests.Json(Body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return PredictionRequests.Probabilities(text);
    }

    [Test]
    public async Task TenReloadsUnderLoad_ZeroFailedRequests_EachAnswerFromOneCompleteSet()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var first = TestModelSets.Save(store, seed: 100);
        var expected = new Dictionary<string, Dictionary<NetworkType, float[]>> { [first] = ExpectedAnswers(folder.Path, first) };
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier, FastPolling);
        using var client = factory.CreateClient();

        var answers = new ConcurrentBag<(NetworkType Network, HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var network = worker % 2 == 0 ? NetworkType.Cnn : NetworkType.Dnn;
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostAsync($"/prediction/{network.Name()}", ApiContractTests.Json(Body));
                answers.Add((network, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToArray();

        for (var reload = 1; reload <= 10; reload++)
        {
            var setId = TestModelSets.Save(store, seed: 100 + reload);
            // Read back before the next save prunes it (the store keeps the current and the previous set).
            expected[setId] = ExpectedAnswers(folder.Path, setId);
            await WaitUntilServing(classifier, setId);
            await Task.Delay(100);   // let requests run on this set before the next swap
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var failed = answers.Where(a => a.Status != HttpStatusCode.OK).ToArray();
        Assert.That(failed, Is.Empty, $"{failed.Length} of {answers.Count} requests failed, e.g. {failed.FirstOrDefault().Body}");
        var servedBy = answers.Select(a => (a.Network, Set: SetThatAnswered(expected, a.Network, PredictionRequests.Probabilities(a.Body)))).ToArray();
        Assert.That(servedBy.Where(s => s.Set is null), Is.Empty, "an answer matched no single complete set: a half-swapped model");
        Assert.That(servedBy.Select(s => s.Set).Distinct().Count(), Is.GreaterThanOrEqualTo(6), "the load should span most of the 11 sets");
        TestContext.Out.WriteLine($"{answers.Count} requests, 0 failed, answered by {servedBy.Select(s => s.Set).Distinct().Count()} of 11 sets");
    }

    private static string? SetThatAnswered(Dictionary<string, Dictionary<NetworkType, float[]>> expected, NetworkType network, float[] answer)
    {
        // Batched and single forward passes may differ in the last bits; sets differ in the first digits.
        var matches = expected.Where(set => set.Value[network].Zip(answer).All(p => Math.Abs(p.First - p.Second) < 1e-5f)).ToArray();
        return matches.Length == 1 ? matches[0].Key : null;
    }

    [Test]
    public async Task TrainerKilledMidSave_AtEveryStage_PreviousSetKeepsServing()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var served = TestModelSets.Save(store, seed: 200);
        var expected = ExpectedAnswers(folder.Path, served);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier, FastPolling);
        using var client = factory.CreateClient();

        // 1. Killed while writing weights: a staging folder with half a weights file and no manifest.
        var staging = Directory.CreateDirectory(Path.Combine(folder.Path, ".tmp-20261125T093000Z-deadbeef"));
        File.WriteAllBytes(Path.Combine(staging.FullName, "cnn.bin"), new byte[1000]);
        // 2. Killed after the set folder was published, before `current` moved (the store's own seam).
        Assert.That(() => TestModelSets.Save(store, seed: 201, beforePointerSwap: _ => throw new OperationCanceledException("SIGKILL")),
            Throws.TypeOf<OperationCanceledException>());
        // 3. Killed while writing the new pointer: `current.tmp` half written, never renamed.
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "current.tmp"), "2026");

        await Task.Delay(500);   // ten polling intervals

        Assert.That(classifier.Current.Id, Is.EqualTo(served));
        Assert.That(await PredictOk(client, NetworkType.Cnn), Is.EqualTo(expected[NetworkType.Cnn]).Within(1e-5f));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // The next complete save is served as usual.
        var next = TestModelSets.Save(store, seed: 202);
        await WaitUntilServing(classifier, next);
    }

    public static IEnumerable<TestCaseData> Corruptions()
    {
        yield return new TestCaseData((Action<string>)(folder => FlipLastByte(Path.Combine(folder, "cnn.bin"))), "is corrupt (SHA-256")
            .SetName("WeightsFileBitFlip");
        yield return new TestCaseData((Action<string>)(folder => File.WriteAllBytes(Path.Combine(folder, "dnn.bin"), [])), "is corrupt (SHA-256")
            .SetName("WeightsFileEmptied");
        yield return new TestCaseData((Action<string>)(folder => File.Delete(Path.Combine(folder, "dnn.bin"))), "is missing")
            .SetName("WeightsFileMissing");
        yield return new TestCaseData((Action<string>)(folder => File.WriteAllText(Path.Combine(folder, "manifest.json"), "{\"formatVersion\":")), "is not a valid manifest")
            .SetName("ManifestTruncated");
        yield return new TestCaseData((Action<string>)(folder => EditManifest(folder, "\"version\": 1,", "\"version\": 99,")), "feature profile version 99")
            .SetName("ManifestFromAnotherFeatureVersion");
        yield return new TestCaseData((Action<string>)(folder => EditManifest(folder, $"\"{EmotionRecognition.Infrastructure.Models.NetworkArchitectures.Default(NetworkType.Cnn)}\"", "\"cnn-v9\"")), "cannot run")
            .SetName("ManifestWithUnknownArchitecture");
        yield return new TestCaseData((Action<string>)(folder => EditManifest(folder, "\"angry\"", "\"furious\"")), "has labels")
            .SetName("ManifestWithOtherLabels");
    }

    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    private static void EditManifest(string folder, string from, string to)
    {
        var path = Path.Combine(folder, "manifest.json");
        var text = File.ReadAllText(path);
        Assert.That(text, Does.Contain(from), "the corruption must apply");
        File.WriteAllText(path, text.Replace(from, to));
    }

    [TestCaseSource(nameof(Corruptions))]
    public async Task CorruptOrMismatchedNewSet_IsRefusedWithItsReason_OldSetKeepsServing(Action<string> corrupt, string reason)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var served = TestModelSets.Save(store, seed: 300);
        var expected = ExpectedAnswers(folder.Path, served);
        var log = new CollectingLogger<ModelSetClassifier>();
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path }, log);
        using var factory = new ApiFactory(classifier, FastPolling);
        using var client = factory.CreateClient();

        // Published like a real save, but damaged just before `current` points at it.
        var bad = TestModelSets.Save(store, seed: 301, beforePointerSwap: setId => corrupt(Path.Combine(folder.Path, setId)));
        var deadline = DateTime.UtcNow + ReloadDeadline;
        while (!log.Errors.Any(e => e.Contains(bad)))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the poller never tried the new set");
            await Task.Delay(20);
        }

        Assert.That(log.Errors.Single(e => e.Contains(bad)), Does.Contain(reason));
        Assert.That(classifier.Current.Id, Is.EqualTo(served));
        Assert.That(classifier.UnavailableReason, Is.Null);
        Assert.That(await PredictOk(client, NetworkType.Cnn), Is.EqualTo(expected[NetworkType.Cnn]).Within(1e-5f));
        Assert.That(await PredictOk(client, NetworkType.Dnn), Is.EqualTo(expected[NetworkType.Dnn]).Within(1e-5f));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // The refused set is tried once, not every poll: the log holds one refusal.
        await Task.Delay(300);
        Assert.That(log.Errors.Count(e => e.Contains(bad)), Is.EqualTo(1));
    }
}

/// <summary>Keeps the formatted error messages a component logs.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            _errors.Enqueue(formatter(state, exception));
        }
    }
}
