using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>How one kind of artefact is written to and read from its cache file.</summary>
internal interface IArtefactCodec<T>
{
    byte[] Encode(T value);

    /// <summary>False for a truncated, foreign or non-finite file: the caller computes the artefact again.</summary>
    bool TryDecode(byte[] bytes, out T value);
}

/// <summary>One kind of artefact cached per clip: the folder it is filed under (named by everything that decides it), its
/// file extension and its codec.</summary>
internal sealed record CachedArtefact<T>(string Folder, string Extension, IArtefactCodec<T> Codec);

/// <summary>
/// Everything the Trainer computes from a clip, on disk, one small file per clip and artefact, keyed by the SHA-256 of
/// the clip's bytes under a folder per artefact (<see cref="Artefacts"/>: the feature profile's name, version and a hash
/// of its parameters, and the artefact's own parameters), so a changed file or changed settings are never served a stale
/// value. Raw artefacts are cached (mean MFCCs, log-mel, pitch track), never a prepared network input, so changing
/// trimming or normalisation never needs a new extraction.
/// </summary>
internal sealed class FeatureCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string FolderOf<T>(CachedArtefact<T> artefact) => Path.Combine(Root, artefact.Folder);

    public bool TryGet<T>(CachedArtefact<T> artefact, string contentHash, out T value)
    {
        value = default!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathFor(artefact, contentHash));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        return artefact.Codec.TryDecode(bytes, out value);
    }

    /// <summary>Writes through a temporary file and a rename, so parallel writers and crashes leave whole files.</summary>
    public void Put<T>(CachedArtefact<T> artefact, string contentHash, T value)
    {
        var path = PathFor(artefact, contentHash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, artefact.Codec.Encode(value));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The cached artefact, or <paramref name="compute"/>'s value, which is then cached; <paramref name="hit"/> says which.</summary>
    public T GetOrAdd<T>(CachedArtefact<T> artefact, string contentHash, Func<T> compute, out bool hit)
    {
        if (TryGet(artefact, contentHash, out var value))
        {
            hit = true;
            return value;
        }
        hit = false;
        value = compute();
        Put(artefact, contentHash, value);
        return value;
    }

    private string PathFor<T>(CachedArtefact<T> artefact, string contentHash) =>
        Path.Combine(Root, artefact.Folder, contentHash[..2], contentHash + artefact.Extension);

    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>SHA-256 over the sorted content hashes: names the training data independent of paths and order.</summary>
    public static string Fingerprint(IEnumerable<string> contentHashes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join('\n', contentHashes.Order(StringComparer.Ordinal)))));
}

/// <summary>The artefacts the Trainer caches, each filed under a folder named by what decides it.</summary>
internal static class Artefacts
{
    /// <summary>Bump when the pitch tracker's algorithm changes in a way its parameters do not name.</summary>
    public const int PitchTrackVersion = 1;

    /// <summary>A profile's mean MFCC vector; <paramref name="variant"/> names an augmentation (e.g. "speed0.9"), null for the clip as served.</summary>
    public static CachedArtefact<float[]> MeanMfcc(FeatureProfile profile, string? variant = null) =>
        new(ProfileKey(profile) + (variant is null ? "" : "-" + variant), ".f32", new VectorCodec(profile.CoefficientCount));

    /// <summary>A profile's log-mel spectrogram, [mel bands, frames]; <paramref name="variant"/> as for <see cref="MeanMfcc"/>.</summary>
    public static CachedArtefact<FeatureMatrix> LogMel(FeatureProfile profile, string? variant = null) =>
        new(ProfileKey(profile) + "-logmel" + (variant is null ? "" : "-" + variant), ".lm32", new MatrixCodec(profile.MelBands));

    /// <summary><see cref="PitchTracker"/> output on a profile's frame grid, named by the tracker's parameters too.</summary>
    public static CachedArtefact<PitchTrack> PitchTrack(FeatureProfile profile, PitchTracker tracker, string? variant = null) =>
        new(ProfileKey(profile) + string.Create(CultureInfo.InvariantCulture,
            $"-pitch-yin{PitchTrackVersion}-{tracker.MinF0Hz}-{tracker.MaxF0Hz}-{tracker.Threshold}-{PitchTracker.SilenceBelowLoudestDb}db") +
            (variant is null ? "" : "-" + variant),
            ".f0", new PitchTrackCodec());

    public static string ProfileKey(FeatureProfile profile)
    {
        var parameters = JsonSerializer.SerializeToUtf8Bytes(profile);
        return $"{profile.Name}-v{profile.Version}-{Convert.ToHexStringLower(SHA256.HashData(parameters))[..12]}";
    }
}

/// <summary>float32 values, little-endian, exactly <paramref name="length"/> of them.</summary>
internal sealed class VectorCodec(int length) : IArtefactCodec<float[]>
{
    public byte[] Encode(float[] value)
    {
        var bytes = new byte[value.Length * sizeof(float)];
        for (int i = 0; i < value.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value[i]);
        }
        return bytes;
    }

    public bool TryDecode(byte[] bytes, out float[] value)
    {
        value = [];
        if (bytes.Length != length * sizeof(float))
        {
            return false;
        }
        value = new float[length];
        for (int i = 0; i < length; i++)
        {
            value[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }
        return value.All(float.IsFinite);
    }
}

/// <summary>int32 rows, int32 frames, then rows × frames float32 values, row after row, little-endian; exactly
/// <paramref name="rows"/> rows and only finite values.</summary>
internal sealed class MatrixCodec(int rows) : IArtefactCodec<FeatureMatrix>
{
    private const int HeaderBytes = 2 * sizeof(int);

    public byte[] Encode(FeatureMatrix matrix)
    {
        var values = matrix.Values;
        var bytes = new byte[HeaderBytes + values.Length * sizeof(float)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, matrix.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(sizeof(int)), matrix.Frames);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)), values[i]);
        }
        return bytes;
    }

    public bool TryDecode(byte[] bytes, out FeatureMatrix matrix)
    {
        matrix = null!;
        if (bytes.Length < HeaderBytes)
        {
            return false;
        }
        int storedRows = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int frames = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(sizeof(int)));
        if (storedRows != rows || frames <= 0 || bytes.Length != HeaderBytes + (long)rows * frames * sizeof(float))
        {
            return false;
        }
        var values = new float[rows * frames];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }
        matrix = new FeatureMatrix(rows, frames, values);
        return true;
    }
}

/// <summary>A pitch track as a two-row matrix: F0 in Hz, then periodicity (<see cref="MatrixCodec"/>'s format).</summary>
internal sealed class PitchTrackCodec : IArtefactCodec<PitchTrack>
{
    private readonly MatrixCodec rows = new(2);

    public byte[] Encode(PitchTrack track)
    {
        var values = new float[2 * track.Frames];
        track.F0Hz.CopyTo(values);
        track.Periodicity.CopyTo(values.AsSpan(track.Frames));
        return rows.Encode(new FeatureMatrix(2, track.Frames, values));
    }

    public bool TryDecode(byte[] bytes, out PitchTrack track)
    {
        track = null!;
        if (!rows.TryDecode(bytes, out var matrix))
        {
            return false;
        }
        track = new PitchTrack(matrix.Row(0), matrix.Row(1));
        return true;
    }
}
