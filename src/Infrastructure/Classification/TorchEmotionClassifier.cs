using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// The served model set. Loads the set that <c>models/current</c> names at construction; when that
/// fails the service still starts and reports why (<see cref="UnavailableReason"/>). <see cref="Reload"/>
/// swaps in a newly saved set atomically: a request holds the snapshot it read, so it never mixes two sets.
/// </summary>
public sealed class TorchEmotionClassifier : IEmotionClassifier
{
    private static readonly Lock ThreadsLock = new();
    private static bool threadsSet;

    private readonly ModelStore.ModelStore store;
    private readonly ILogger logger;
    private readonly Lock reloadLock = new();
    private volatile Snapshot snapshot;

    public TorchEmotionClassifier(ModelsOptions options, ILogger<TorchEmotionClassifier>? logger = null)
    {
        this.logger = logger ?? NullLogger<TorchEmotionClassifier>.Instance;
        store = new ModelStore.ModelStore(options.Path);
        UseOneTorchThreadPerRequest();
        snapshot = new Snapshot(null, "Not loaded yet.");
        Reload();
    }

    public IModelSet Current => snapshot.Set ?? throw new ModelsUnavailableException(snapshot.Reason!);

    public string? UnavailableReason => snapshot.Reason;

    /// <summary>
    /// Loads the set <c>current</c> names and serves it from now on. Returns false, keeping whatever
    /// was served before, when the new set cannot be loaded.
    /// </summary>
    public bool Reload()
    {
        lock (reloadLock)
        {
            try
            {
                var set = store.LoadCurrent();
                snapshot = new Snapshot(set, null);
                logger.LogInformation("Serving model set {SetId} from {Root} ({Networks})",
                    set.Id, store.Root, string.Join(", ", set.Models.Select(m => m.Network)));
                return true;
            }
            catch (Exception e) when (e is ModelStore.ModelStoreException or IOException or UnauthorizedAccessException)
            {
                if (snapshot.Set is null)
                {
                    snapshot = new Snapshot(null, e.Message);
                }
                logger.LogError("Could not load models from {Root}: {Reason}", store.Root, e.Message);
                return false;
            }
        }
    }

    /// <summary>
    /// Requests run in parallel on the thread pool; one intra-op thread each avoids oversubscribing
    /// the cores (libtorch would otherwise start a pool per request thread).
    /// </summary>
    private static void UseOneTorchThreadPerRequest()
    {
        lock (ThreadsLock)
        {
            if (!threadsSet)
            {
                set_num_threads(1);
                threadsSet = true;
            }
        }
    }

    private sealed record Snapshot(TorchModelSet? Set, string? Reason);
}
