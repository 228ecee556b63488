using System.Buffers.Binary;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Extracted log-mel spectrograms on disk, one file per clip (int32 bands, int32 frames, then
/// bands × frames float32, little-endian), keyed by the clip's content hash under a folder per
/// feature profile (<see cref="FeatureCache.ProfileKey"/>). The raw log-mel is cached, not the
/// prepared network input, so changing trimming or normalisation never needs a new extraction.
/// </summary>
public sealed class SequenceFeatureCache(string root, FeatureProfile profile)
{
    private const int HeaderBytes = 2 * sizeof(int);

    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), FeatureCache.ProfileKey(profile) + "-logmel");

    public bool TryGet(string contentHash, out FeatureMatrix logMel)
    {
        logMel = null!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathFor(contentHash));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        // A truncated or foreign file is a miss, never an error: the clip is simply extracted again.
        if (bytes.Length < HeaderBytes)
        {
            return false;
        }
        int bands = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int frames = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(sizeof(int)));
        if (bands != profile.MelBands || frames <= 0 || bytes.Length != HeaderBytes + (long)bands * frames * sizeof(float))
        {
            return false;
        }
        var values = new float[bands * frames];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }
        logMel = new FeatureMatrix(bands, frames, values);
        return true;
    }

    /// <summary>Writes through a temporary file and a rename, so parallel writers and crashes leave whole files.</summary>
    public void Put(string contentHash, FeatureMatrix logMel)
    {
        var path = PathFor(contentHash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var values = logMel.Values;
        var bytes = new byte[HeaderBytes + values.Length * sizeof(float)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, logMel.Coefficients);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(sizeof(int)), logMel.Frames);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)), values[i]);
        }
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private string PathFor(string contentHash) => Path.Combine(Folder, contentHash[..2], contentHash + ".lm32");
}
