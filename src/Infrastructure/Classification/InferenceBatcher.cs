using System.Collections.Concurrent;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// Joins concurrent single predictions into one forward pass. A forward pass of a small network
/// costs mostly fixed overhead (tensor set-up, one native call per layer), so 32 inputs cost little
/// more than one. Requests wait in a queue; one dedicated thread takes whatever is queued (up to
/// <see cref="PredictionOptions.MaxInferenceBatch"/>), runs one pass per model set and network, and
/// completes each request with its row. It never waits for a batch to fill: an idle server answers
/// a lone request at once, and under load the queue fills by itself while the previous pass runs.
/// (Measured here: about 15 requests per pass at 16 connections. Letting request threads run the
/// passes themselves, flat-combining style, gave passes of 1 to 8 and no better throughput.)
/// </summary>
public sealed class InferenceBatcher : IDisposable
{
    // Lock-free: the batch thread drains it while request threads add to it. Its length is bounded by
    // the requests in flight, which the server caps (Limits:MaxConcurrentRequests).
    private readonly ConcurrentQueue<Pending> _queue = new();
    private volatile bool _disposed;
    private readonly int _maxBatch;
    private readonly Thread? _worker;
    private readonly PredictionMetrics _metrics;
    // Wakes the idle batch thread. No spinning before it sleeps: on a small, busy machine a spinning
    // waiter burns the CPU the requests need (a profile showed it using more than the passes did).
    private readonly ManualResetEventSlim _arrived = new(initialState: false, spinCount: 0);
    private int _idle;

    public InferenceBatcher(PredictionOptions options, PredictionMetrics metrics)
    {
        _metrics = metrics;
        _maxBatch = Math.Max(1, options.MaxInferenceBatch);
        if (_maxBatch > 1)
        {
            _worker = new Thread(Run) { IsBackground = true, Name = "inference-batcher" };
            _worker.Start();
        }
    }

    /// <summary>Probabilities for one input in label order, computed in a shared forward pass.</summary>
    public ValueTask<float[]> PredictAsync(IModelSet models, NetworkType network, float[] input, CancellationToken ct)
    {
        if (_worker is null)
        {
            _metrics.ForwardPass(1);
            return ValueTask.FromResult(models.ClassifyMany(network, [input])[0]);
        }
        var pending = new Pending(models, network, input, ct);
        _queue.Enqueue(pending);
        WakeIfIdle();
        return new ValueTask<float[]>(pending.Task);
    }

    /// <summary>Called after queueing: the first writer to see the batch thread idle wakes it.</summary>
    private void WakeIfIdle()
    {
        if (Interlocked.CompareExchange(ref _idle, 0, 1) == 1)
        {
            _arrived.Set();
        }
    }

    private void Run()
    {
        var batch = new List<Pending>(_maxBatch);
        var group = new List<Pending>(_maxBatch);
        var inputs = new List<float[]>(_maxBatch);
        while (true)
        {
            if (!_queue.TryDequeue(out var first))
            {
                // Announce idleness, then look once more: a request queued in between is either seen
                // here or its writer sees the flag and sets the event, so none is ever stranded.
                Interlocked.Exchange(ref _idle, 1);
                if (_queue.TryDequeue(out first))
                {
                    Interlocked.Exchange(ref _idle, 0);
                }
                else
                {
                    if (_disposed)
                    {
                        return;
                    }
                    _arrived.Wait();
                    _arrived.Reset();
                    continue;
                }
            }
            batch.Add(first);
            while (batch.Count < _maxBatch && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }
            RunBatch(batch, group, inputs);
            batch.Clear();
        }
    }

    /// <summary>One forward pass per (model set, network) among the queued requests, oldest first.</summary>
    private void RunBatch(List<Pending> batch, List<Pending> group, List<float[]> inputs)
    {
        batch.RemoveAll(p => p.CancelIfRequested());
        while (batch.Count > 0)
        {
            var models = batch[0].Models;
            var network = batch[0].Network;
            foreach (var p in batch)
            {
                if (ReferenceEquals(p.Models, models) && p.Network == network)
                {
                    group.Add(p);
                    inputs.Add(p.Input);
                }
            }
            batch.RemoveAll(p => ReferenceEquals(p.Models, models) && p.Network == network);
            try
            {
                _metrics.ForwardPass(inputs.Count);
                var rows = models.ClassifyMany(network, inputs);
                for (int i = 0; i < group.Count; i++)
                {
                    group[i].TrySetResult(rows[i]);
                }
            }
            catch (Exception e)
            {
                // The caller's await rethrows it, so it reaches the one exception handler as usual.
                foreach (var p in group)
                {
                    p.TrySetException(e);
                }
            }
            group.Clear();
            inputs.Clear();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _arrived.Set();
        _worker?.Join();
        _arrived.Dispose();
    }

    /// <summary>A queued request; completing it resumes the caller on the thread pool, never on the batch thread.</summary>
    private sealed class Pending(IModelSet models, NetworkType network, float[] input, CancellationToken ct)
        : TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public IModelSet Models { get; } = models;
        public NetworkType Network { get; } = network;
        public float[] Input { get; } = input;

        public bool CancelIfRequested() => ct.IsCancellationRequested && TrySetCanceled(ct);
    }
}
