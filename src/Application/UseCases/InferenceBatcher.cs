using System.Threading.Channels;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// Joins concurrent single predictions into one forward pass. A forward pass of a small network
/// costs mostly fixed overhead (tensor set-up, one native call per layer), so 32 inputs cost little
/// more than one. Requests wait in a channel; one dedicated thread takes whatever is queued (up to
/// <see cref="PredictionOptions.MaxInferenceBatch"/>), runs one pass per model set and network, and
/// completes each request with its row. It never waits for a batch to fill: an idle server answers
/// a lone request at once, and under load the queue fills by itself while the previous pass runs.
/// (Measured here: about 15 requests per pass at 16 connections. Letting request threads run the
/// passes themselves, flat-combining style, gave passes of 1 to 8 and no better throughput.)
/// </summary>
public sealed class InferenceBatcher : IDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly int _maxBatch;
    private readonly Thread? _worker;
    private readonly PredictionMetrics _metrics;

    public InferenceBatcher(PredictionOptions options, PredictionMetrics metrics)
    {
        _metrics = metrics;
        _maxBatch = Math.Max(1, options.MaxInferenceBatch);
        // Bounded so a flood of requests waits for room instead of growing memory without limit.
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_maxBatch * 64)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The only continuation is the idle batch thread's wake-up: run it on the writer's thread
            // instead of a thread-pool hop first (on a 2-core machine every hop is scheduling latency).
            AllowSynchronousContinuations = true,
        });
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
            return ValueTask.FromResult(models.Predict(network, [input])[0]);
        }
        var pending = new Pending(models, network, input, ct);
        return _queue.Writer.TryWrite(pending)
            ? new ValueTask<float[]>(pending.Task)
            : EnqueueSlowAsync(pending, ct);
    }

    private async ValueTask<float[]> EnqueueSlowAsync(Pending pending, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Task;
    }

    private void Run()
    {
        var batch = new List<Pending>(_maxBatch);
        var group = new List<Pending>(_maxBatch);
        var inputs = new List<float[]>(_maxBatch);
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                // Idle: block this dedicated thread until a request arrives or the batcher is disposed.
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
                continue;
            }
            batch.Add(first);
            while (batch.Count < _maxBatch && reader.TryRead(out var next))
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
                var rows = models.Predict(network, inputs);
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
        _queue.Writer.TryComplete();
        _worker?.Join();
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
