using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.UnitTests.UseCases;
using EmotionRecognition.Domain;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

[TestFixture]
public sealed class InferenceBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Holds the first forward pass until released, so the requests sent meanwhile queue up.</summary>
    private sealed class HeldFirstPass : IDisposable
    {
        private readonly ManualResetEventSlim _entered = new();
        private readonly ManualResetEventSlim _release = new();
        private int _passes;

        public HeldFirstPass(FakeModelSet models) => models.DuringForwardPass = () =>
        {
            if (Interlocked.Increment(ref _passes) == 1)
            {
                _entered.Set();
                _release.Wait(Patience);
            }
        };

        public void WaitUntilHeld() => Assert.That(_entered.Wait(Patience), Is.True, "the first forward pass never started");

        public void Release() => _release.Set();

        public void Dispose()
        {
            _entered.Dispose();
            _release.Dispose();
        }
    }

    private static float[] Input(int i) => Enumerable.Range(0, 25).Select(k => k == i % 8 ? 2f + i : 0f).ToArray();

    [Test]
    public async Task PredictAsync_RequestsQueuedDuringAPass_ShareTheNextPassAndGetTheirOwnRows()
    {
        var models = new FakeModelSet();
        using var held = new HeldFirstPass(models);
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 64 }, new PredictionMetrics());

        var first = batcher.PredictAsync(models, NetworkType.Dnn, Input(0), CancellationToken.None).AsTask();
        held.WaitUntilHeld();
        var queued = Enumerable.Range(1, 10).Select(i => batcher.PredictAsync(models, NetworkType.Dnn, Input(i), CancellationToken.None).AsTask()).ToArray();
        held.Release();
        var rows = await Task.WhenAll([first, .. queued]);

        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 1, 10 }));
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.That(rows[i], Is.EqualTo(FakeModelSet.Softmax(Input(i))), $"request {i}");
        }
    }

    [Test]
    public async Task PredictAsync_MoreQueuedThanMaxBatch_SplitsIntoPassesOfAtMostMax()
    {
        var models = new FakeModelSet();
        using var held = new HeldFirstPass(models);
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 4 }, new PredictionMetrics());

        var first = batcher.PredictAsync(models, NetworkType.Cnn, Input(0), CancellationToken.None).AsTask();
        held.WaitUntilHeld();
        var queued = Enumerable.Range(1, 10).Select(i => batcher.PredictAsync(models, NetworkType.Cnn, Input(i), CancellationToken.None).AsTask()).ToArray();
        held.Release();
        await Task.WhenAll([first, .. queued]);

        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 1, 4, 4, 2 }));
    }

    [Test]
    public async Task PredictAsync_QueuedForTwoNetworks_RunsOnePassPerNetwork()
    {
        var models = new FakeModelSet();
        using var held = new HeldFirstPass(models);
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 64 }, new PredictionMetrics());

        var first = batcher.PredictAsync(models, NetworkType.Cnn, Input(0), CancellationToken.None).AsTask();
        held.WaitUntilHeld();
        var queued = Enumerable.Range(1, 6)
            .Select(i => batcher.PredictAsync(models, i % 2 == 0 ? NetworkType.Cnn : NetworkType.Dnn, Input(i), CancellationToken.None).AsTask())
            .ToArray();
        held.Release();
        var rows = await Task.WhenAll([first, .. queued]);

        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 1, 3, 3 }));
        Assert.That(rows[5], Is.EqualTo(FakeModelSet.Softmax(Input(5))));
    }

    [Test]
    public async Task PredictAsync_ModelThrows_EveryRequestInThePassGetsTheException()
    {
        var models = new FakeModelSet("dnn-only", NetworkType.Dnn);
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 8 }, new PredictionMetrics());

        await Assert.ThrowsAsync<NetworkNotAvailableException>(async () => await batcher.PredictAsync(models, NetworkType.Cnn, Input(0), CancellationToken.None));
    }

    [Test]
    public async Task PredictAsync_CancelledWhileQueued_IsCancelledAndLeftOutOfThePass()
    {
        var models = new FakeModelSet();
        using var held = new HeldFirstPass(models);
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 8 }, new PredictionMetrics());
        using var cancel = new CancellationTokenSource();

        var first = batcher.PredictAsync(models, NetworkType.Dnn, Input(0), CancellationToken.None).AsTask();
        held.WaitUntilHeld();
        var abandoned = batcher.PredictAsync(models, NetworkType.Dnn, Input(1), cancel.Token).AsTask();
        var kept = batcher.PredictAsync(models, NetworkType.Dnn, Input(2), CancellationToken.None).AsTask();
        cancel.Cancel();
        held.Release();
        await Task.WhenAll(first, kept);

        await Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await abandoned);
        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 1, 1 }));
    }

    [Test]
    public async Task PredictAsync_BatchingOff_RunsOnTheCallersThreadOnePassEach()
    {
        var models = new FakeModelSet();
        using var batcher = new InferenceBatcher(new PredictionOptions { MaxInferenceBatch = 1 }, new PredictionMetrics());

        var row = await batcher.PredictAsync(models, NetworkType.Dnn, Input(3), CancellationToken.None);
        await batcher.PredictAsync(models, NetworkType.Dnn, Input(4), CancellationToken.None);

        Assert.That(row, Is.EqualTo(FakeModelSet.Softmax(Input(3))));
        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 1, 1 }));
    }
}
