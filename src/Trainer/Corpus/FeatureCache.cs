using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>
/// Extracted feature vectors on disk, one small file per clip, keyed by the SHA-256 of the clip's
/// bytes under a folder per feature profile (name, version and a hash of every parameter), so a
/// changed file or a changed profile is never served a stale vector.
/// </summary>
/// <param name="variant">Names an augmentation (e.g. "speed0.90"); null for the plain features.</param>
public sealed class FeatureCache(string root, FeatureProfile profile, string? variant = null)
{
    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), ProfileKey(profile) + (variant is null ? "" : "-" + variant));

    public static string ProfileKey(FeatureProfile profile)
    {
        var parameters = JsonSerializer.SerializeToUtf8Bytes(profile);
        return $"{profile.Name}-v{profile.Version}-{Convert.ToHexStringLower(SHA256.HashData(parameters))[..12]}";
    }

    public bool TryGet(string contentHash, out float[] features)
    {
        var path = PathFor(contentHash);
        features = [];
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        // A truncated or foreign file is a miss, never an error: the clip is simply extracted again.
        if (bytes.Length != profile.CoefficientCount * sizeof(float))
        {
            return false;
        }
        features = new float[profile.CoefficientCount];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }
        return features.All(float.IsFinite);
    }

    /// <summary>Writes through a temporary file and a rename, so parallel writers and crashes leave whole files.</summary>
    public void Put(string contentHash, float[] features)
    {
        var path = PathFor(contentHash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[features.Length * sizeof(float)];
        for (int i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), features[i]);
        }
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private string PathFor(string contentHash) => Path.Combine(Folder, contentHash[..2], contentHash + ".f32");

    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>SHA-256 over the sorted content hashes: names the training data independent of paths and order.</summary>
    public static string Fingerprint(IEnumerable<string> contentHashes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join('\n', contentHashes.Order(StringComparer.Ordinal)))));
}
