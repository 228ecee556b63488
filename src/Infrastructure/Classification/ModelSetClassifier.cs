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
public sealed class ModelSetClassifier : IEmotionClassifier
{
    private static readonly Lock ThreadsLock = new();
    private static bool threadsSet;

    private readonly ModelSets.ModelStore store;
    private readonly ILogger logger;
    private readonly Lock reloadLock = new();
    private volatile Snapshot snapshot;
    private readonly Lock pointerLock = new();
    private PointerStamp? lastPointer;

    private readonly InferenceBatcher? batcher;

    /// <param name="batcher">Joins concurrent single MFCC vectors into one forward pass; null runs each on its own.</param>
    public ModelSetClassifier(ModelsOptions options, ILogger<ModelSetClassifier>? logger = null, InferenceBatcher? batcher = null)
    {
        this.logger = logger ?? NullLogger<ModelSetClassifier>.Instance;
        this.batcher = batcher;
        store = new ModelSets.ModelStore(options.Path);
        UseOneTorchThreadPerRequest();
        snapshot = new Snapshot(null, "Not loaded yet.");
        lastPointer = ReadPointerStamp();
        Reload();
    }

    public IModelSet Current => snapshot.Served ?? throw new ModelsUnavailableException(snapshot.Reason!);

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
                snapshot = new Snapshot(batcher is null ? set : new ServedModelSet(set, batcher), null);
                logger.LogInformation("Serving model set {SetId} from {Root} ({Networks})",
                    set.Id, store.Root, string.Join(", ", set.Models.Select(m => m.Network)));
                return true;
            }
            catch (Exception e) when (e is ModelSets.ModelStoreException or IOException or UnauthorizedAccessException)
            {
                if (snapshot.Served is null)
                {
                    snapshot = new Snapshot(null, e.Message);
                }
                logger.LogError("Could not load models from {Root}: {Reason}", store.Root, e.Message);
                return false;
            }
        }
    }

    /// <summary>
    /// Reloads once each time <c>current</c> changes (its content or its write time), which is how the
    /// Trainer publishes a complete set: the set folder first, then the pointer renamed over the old one.
    /// A staging folder left by a killed Trainer never moves the pointer, so it is never loaded; a set that
    /// fails to load is tried once and the old one keeps serving. Returns true when a new set was loaded.
    /// </summary>
    public bool ReloadIfPointerChanged()
    {
        lock (pointerLock)
        {
            var stamp = ReadPointerStamp();
            if (stamp == lastPointer)
            {
                return false;
            }
            lastPointer = stamp;
            return stamp is not null && Reload();
        }
    }

    private PointerStamp? ReadPointerStamp()
    {
        var path = System.IO.Path.Combine(store.Root, ModelSets.ModelStore.PointerFile);
        try
        {
            return File.Exists(path) ? new PointerStamp(File.ReadAllText(path).Trim(), File.GetLastWriteTimeUtc(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return lastPointer;   // mid-rename or unreadable for a moment: look again at the next poll
        }
    }

    /// <summary>
    /// Loading and compiling a set runs a few libtorch operations (reading weights, reordering GRU gates); one intra-op
    /// thread keeps libtorch from starting a pool of its own beside the request threads. Classification itself runs in
    /// ONNX Runtime (<see cref="Onnx.OnnxRuntimeNetwork"/>).
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

    private sealed record Snapshot(IModelSet? Served, string? Reason);

    private sealed record PointerStamp(string SetId, DateTime WrittenUtc);
}
