using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.Onnx;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.ModelSets;

/// <summary>A network ready to be saved: its trained module and what serving needs to use it.</summary>
/// <param name="Standardization">Input scaling of an MFCC-vector network; null for a sequence network (CRNN).</param>
/// <param name="Profile">A sequence network's own feature profile; null for the MFCC-vector networks (they use the set's).</param>
/// <param name="Functionals">A sequence network's functionals model (<see cref="NetworkEntry.Functionals"/>).</param>
public sealed record TrainedNetwork(
    NetworkType Network,
    string Architecture,
    nn.Module<Tensor, Tensor> Module,
    Standardization? Standardization,
    TrainingRun Training,
    CrossValidatedMetrics? Metrics,
    FeatureProfile? Profile = null,
    FunctionalsModel? Functionals = null)
{
    /// <summary>Vector length for CNN and DNN, mel bands per frame for CRNN.</summary>
    public int InputSize => Standardization?.Size ?? Profile?.MelBands
        ?? throw new InvalidOperationException($"{Network.Name()} has neither a standardisation nor a feature profile.");
}

/// <summary>What the Trainer hands to <see cref="ModelStore.Save"/>.</summary>
public sealed record ModelSetDraft(
    int Seed,
    string DataFingerprint,
    FeatureProfile Profile,
    IReadOnlyList<TrainedNetwork> Networks);

/// <summary>A model set folder that cannot be served; the message says what is wrong and what to do.</summary>
public sealed class ModelStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The models folder: <c>&lt;set-id&gt;/manifest.json</c> plus one weights file per network, and
/// <c>current</c>, a one-line file naming the set that is served. Saving writes a complete new set
/// folder first (under a temporary name, flushed to disk, then renamed), and only then swaps
/// <c>current</c> by renaming <c>current.tmp</c> over it; rename is atomic, so a crash at any point
/// leaves <c>current</c> naming a complete set. Old sets are pruned, keeping the previous one.
/// </summary>
public sealed class ModelStore(string root)
{
    public const string PointerFile = "current";
    private const string TemporaryPrefix = ".tmp-";

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Test seam: runs after the new set folder is complete and before <c>current</c> moves.</summary>
    internal Action<string>? BeforePointerSwap { get; init; }

    public static string WeightsFileName(NetworkType network) => network.Name().ToLowerInvariant() + ".bin";

    /// <summary>
    /// Writes the draft as a new set, points <c>current</c> at it and prunes older sets (keeping the
    /// previous one). Returns the new set id.
    /// </summary>
    public string Save(ModelSetDraft draft)
    {
        Directory.CreateDirectory(Root);
        var createdAt = DateTimeOffset.UtcNow;
        var setId = NewSetId(createdAt, draft.DataFingerprint);
        var staging = Path.Combine(Root, TemporaryPrefix + setId);
        Directory.CreateDirectory(staging);

        var entries = new List<NetworkEntry>();
        foreach (var network in draft.Networks)
        {
            var file = WeightsFileName(network.Network);
            var path = Path.Combine(staging, file);
            network.Module.save(path);
            FlushToDisk(path);
            entries.Add(Entry(network, Sha256Hex(path)));
        }
        var manifest = new ModelManifest(
            ModelManifest.CurrentFormatVersion, setId, createdAt, draft.Seed, draft.DataFingerprint,
            draft.Profile, Emotions.AllLabels.ToArray(), entries);
        WriteDurably(Path.Combine(staging, ModelManifest.FileName), JsonSerializer.SerializeToUtf8Bytes(manifest, Json));

        var previous = ReadPointer();
        Directory.Move(staging, Path.Combine(Root, setId));
        BeforePointerSwap?.Invoke(setId);
        var pointerTemp = Path.Combine(Root, PointerFile + ".tmp");
        WriteDurably(pointerTemp, Encoding.UTF8.GetBytes(setId + "\n"));
        File.Move(pointerTemp, Path.Combine(Root, PointerFile), overwrite: true);
        Prune(keep: [setId, previous]);
        return setId;
    }

    /// <summary>
    /// The draft's networks served in this process exactly as the saved set will serve them, without writing anything:
    /// cross-validation scores a fold through the classifier call the Api uses. The set compiles copies of the draft's
    /// weights (eval mode); the caller disposes it.
    /// </summary>
    public static LoadedModelSet InMemory(ModelSetDraft draft)
    {
        var entries = draft.Networks.Select(n => Entry(n, sha256: "")).ToArray();
        var manifest = new ModelManifest(
            ModelManifest.CurrentFormatVersion, "in-memory", DateTimeOffset.UtcNow, draft.Seed, draft.DataFingerprint,
            draft.Profile, Emotions.AllLabels.ToArray(), entries);
        var networks = draft.Networks.Zip(entries).ToDictionary(
            p => p.First.Network,
            p => new LoadedNetwork(p.First.Network, OnnxRuntimeNetwork.Compile(p.First.Module), p.First.Standardization, p.First.Profile ?? draft.Profile, p.Second));
        return new LoadedModelSet(manifest, networks);
    }

    private static NetworkEntry Entry(TrainedNetwork network, string sha256) => new(
        network.Network.Name(),
        network.Architecture,
        WeightsFileName(network.Network),
        sha256,
        network.InputSize,
        network.Standardization,
        network.Training,
        network.Metrics,
        network.Profile,
        network.Functionals);

    /// <summary>The set id <c>current</c> names, or null when there is no pointer yet.</summary>
    public string? ReadPointer()
    {
        var path = Path.Combine(Root, PointerFile);
        if (!File.Exists(path))
        {
            return null;
        }
        var id = File.ReadAllText(path).Trim();
        if (id.Length == 0 || id.IndexOfAny(['/', '\\']) >= 0 || id is "." or ".." || id.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
        {
            throw new ModelStoreException($"'{path}' does not name a model set folder ('{id}').");
        }
        return id;
    }

    /// <summary>Loads and verifies the set <c>current</c> names.</summary>
    public LoadedModelSet LoadCurrent()
    {
        var id = ReadPointer() ?? throw new ModelStoreException(
            $"No trained models in '{Root}' (no '{PointerFile}' file). Train them with `dotnet run --project src/Trainer` or set [models] path.");
        return Load(id);
    }

    /// <summary>Reads and checks a set's manifest without loading weights.</summary>
    public ModelManifest ReadManifest(string setId)
    {
        var folder = Path.Combine(Root, setId);
        var path = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(path))
        {
            throw new ModelStoreException($"Model set '{setId}' in '{Root}' has no {ModelManifest.FileName}.");
        }
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new ModelStoreException($"'{path}' is not a valid manifest: {e.Message}", e);
        }
        if (manifest is null || manifest.Profile is null || manifest.Labels is null || manifest.Networks is null)
        {
            throw new ModelStoreException($"'{path}' is not a valid manifest: required fields are missing.");
        }
        Verify(manifest, path);
        return manifest;
    }

    /// <summary>Loads a set, verifying manifest, label order, feature version, architectures and weight hashes.</summary>
    public LoadedModelSet Load(string setId)
    {
        var manifest = ReadManifest(setId);
        var folder = Path.Combine(Root, setId);
        var networks = new Dictionary<NetworkType, LoadedNetwork>();
        foreach (var entry in manifest.Networks)
        {
            NetworkTypes.TryParse(entry.Network, out var network);
            var weights = Path.Combine(folder, entry.WeightsFile);
            if (Path.GetFileName(entry.WeightsFile) != entry.WeightsFile || !File.Exists(weights))
            {
                throw new ModelStoreException($"Model set '{setId}': weights file '{entry.WeightsFile}' of {entry.Network} is missing.");
            }
            var actual = Sha256Hex(weights);
            if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelStoreException(
                    $"Model set '{setId}': {entry.WeightsFile} is corrupt (SHA-256 {actual}, manifest says {entry.Sha256}). Retrain or restore the folder.");
            }
            var module = NetworkArchitectures.Create(network, entry.Architecture, entry.InputSize, manifest.Labels.Count);
            try
            {
                module.load(weights);
            }
            catch (Exception e)
            {
                module.Dispose();
                throw new ModelStoreException($"Model set '{setId}': {entry.WeightsFile} does not fit architecture '{entry.Architecture}': {e.Message}", e);
            }
            using (module)
            {
                networks[network] = new LoadedNetwork(network, OnnxRuntimeNetwork.Compile(module), entry.Standardization, entry.Profile ?? manifest.Profile, entry);
            }
        }
        return new LoadedModelSet(manifest, networks);
    }

    private static void Verify(ModelManifest manifest, string path)
    {
        if (manifest.FormatVersion != ModelManifest.CurrentFormatVersion)
        {
            throw new ModelStoreException(
                $"'{path}' has format version {manifest.FormatVersion}; this build reads version {ModelManifest.CurrentFormatVersion}. Retrain with `dotnet run --project src/Trainer`.");
        }
        if (!manifest.Labels.SequenceEqual(Emotions.AllLabels))
        {
            throw new ModelStoreException(
                $"'{path}' has labels [{string.Join(", ", manifest.Labels)}]; this build expects [{string.Join(", ", Emotions.AllLabels)}]. Retrain with `dotnet run --project src/Trainer`.");
        }
        if (manifest.Profile.Version != FeatureProfile.CurrentVersion)
        {
            throw new ModelStoreException(
                $"'{path}' was trained on feature profile version {manifest.Profile.Version}, but this build extracts version {FeatureProfile.CurrentVersion}. Retrain with `dotnet run --project src/Trainer`.");
        }
        if (manifest.Networks.Count == 0)
        {
            throw new ModelStoreException($"'{path}' lists no networks.");
        }
        var seen = new HashSet<NetworkType>();
        foreach (var entry in manifest.Networks)
        {
            if (!NetworkTypes.TryParse(entry.Network, out var network))
            {
                throw new ModelStoreException($"'{path}' lists unknown network '{entry.Network}'; known: {NetworkTypes.ValidNames}.");
            }
            if (!seen.Add(network))
            {
                throw new ModelStoreException($"'{path}' lists {entry.Network} twice.");
            }
            if (!NetworkArchitectures.IsKnown(network, entry.Architecture))
            {
                throw new ModelStoreException(
                    $"'{path}': {entry.Network} has architecture '{entry.Architecture}', which this build cannot run (it knows {string.Join(", ", NetworkArchitectures.Known(network))}). Retrain with `dotnet run --project src/Trainer`.");
            }
            if (!network.TakesMfccVector())
            {
                VerifySequenceNetwork(entry, path);
                continue;
            }
            if (entry.InputSize != manifest.Profile.CoefficientCount)
            {
                throw new ModelStoreException($"'{path}': {entry.Network} takes {entry.InputSize} inputs but the profile has {manifest.Profile.CoefficientCount} coefficients.");
            }
            // An MFCC vector carries no clip to compute functionals of: a model listed with one could never be served as saved.
            if (entry.Functionals is not null)
            {
                throw new ModelStoreException($"'{path}': {entry.Network} takes an MFCC vector and cannot be served with a functionals model.");
            }
            var z = entry.Standardization;
            if (z?.Mean is null || z.Std is null || z.Mean.Length != entry.InputSize || z.Std.Length != entry.InputSize
                || z.Mean.Any(m => !float.IsFinite(m)) || z.Std.Any(s => !float.IsFinite(s) || s <= 0))
            {
                throw new ModelStoreException($"'{path}': {entry.Network} has no valid standardisation for {entry.InputSize} inputs.");
            }
        }
    }

    /// <summary>
    /// A sequence network (CRNN) carries its own current-version profile whose mel bands are its input size, whose pitch
    /// rows are those its architecture reads, and no standardisation.
    /// </summary>
    private static void VerifySequenceNetwork(NetworkEntry entry, string path)
    {
        if (entry.Profile is not { } profile)
        {
            throw new ModelStoreException($"'{path}': {entry.Network} has no feature profile of its own. Retrain with `dotnet run --project src/Trainer`.");
        }
        if (profile.Version != FeatureProfile.CurrentVersion)
        {
            throw new ModelStoreException(
                $"'{path}': {entry.Network} was trained on feature profile version {profile.Version}, but this build extracts version {FeatureProfile.CurrentVersion}. Retrain with `dotnet run --project src/Trainer`.");
        }
        try
        {
            _ = new FeaturePipeline(profile);
        }
        catch (ArgumentException e)
        {
            throw new ModelStoreException($"'{path}': {entry.Network} has an unusable feature profile: {e.Message}", e);
        }
        if (entry.InputSize != profile.MelBands)
        {
            throw new ModelStoreException($"'{path}': {entry.Network} takes {entry.InputSize} bands per frame but its profile has {profile.MelBands} mel bands.");
        }
        // The architecture decides the rows the network reads after the mel bands, the profile the rows serving extracts:
        // a mismatch would fail on the first request, so it fails the load instead.
        var pitchRows = NetworkArchitectures.PitchRows(entry.Architecture);
        if (profile.PitchRows != pitchRows)
        {
            throw new ModelStoreException(
                $"'{path}': {entry.Network} has architecture '{entry.Architecture}', which reads {pitchRows} pitch rows, but its profile '{profile.Name}' has {profile.PitchRows}.");
        }
        if (entry.Standardization is not null)
        {
            throw new ModelStoreException($"'{path}': {entry.Network} normalises each utterance itself and must not list a standardisation.");
        }
        // A reading this build no longer has would serve the network differently from how it was evaluated.
        var dropped = new[] { "windowFrames", "melShifts" }
            .FirstOrDefault(f => entry.Unread?.TryGetValue(f, out var value) == true && value.ValueKind != JsonValueKind.Null);
        if (dropped is not null)
        {
            throw new ModelStoreException(
                $"'{path}': {entry.Network} was evaluated with '{dropped}', a test-time reading this build no longer serves (docs/crnn.md, Decided and removed). Retrain with `dotnet run --project src/Trainer`.");
        }
        // The functionals include pitch statistics, which only a profile with pitch rows computes.
        if (entry.Functionals is { } functionals
            && (profile.PitchRows == 0 ? "its profile has no pitch rows to compute its functionals from" : functionals.Problem(Emotions.Count, profile.MelBands)) is { } problem)
        {
            throw new ModelStoreException($"'{path}': {entry.Network} has a functionals model that cannot serve: {problem}.");
        }
    }

    private string NewSetId(DateTimeOffset createdAt, string fingerprint)
    {
        var stem = $"{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{fingerprint[..Math.Min(8, fingerprint.Length)]}";
        var id = stem;
        for (int n = 2; Directory.Exists(Path.Combine(Root, id)) || Directory.Exists(Path.Combine(Root, TemporaryPrefix + id)); n++)
        {
            id = $"{stem}-{n}";
        }
        return id;
    }

    /// <summary>Deletes set folders other than <paramref name="keep"/>, and staging folders of crashed saves.</summary>
    private void Prune(IReadOnlyCollection<string?> keep)
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            bool isSet = File.Exists(Path.Combine(dir, ModelManifest.FileName));
            bool isStaging = name.StartsWith(TemporaryPrefix, StringComparison.Ordinal);
            if ((isSet || isStaging) && !keep.Contains(name))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // Pruning is housekeeping: a folder in use stays until the next save.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    internal static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void WriteDurably(string path, byte[] content)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>fsync: the bytes are on disk before the set becomes visible through <c>current</c>.</summary>
    private static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }
}
