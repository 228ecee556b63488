using System.Buffers.Binary;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// One cached matrix on disk: int32 rows, int32 frames, then rows × frames float32 values, row after row, little-endian.
/// The format of both sequence caches (<see cref="SequenceFeatureCache"/>'s log-mel, <see cref="PitchTrackCache"/>'s
/// F0 and periodicity rows).
/// </summary>
internal static class MatrixFile
{
    private const int HeaderBytes = 2 * sizeof(int);

    /// <summary>The matrix at <paramref name="path"/> if it is whole, has <paramref name="rows"/> rows and only finite
    /// values; a missing, truncated or foreign file is a miss, never an error: the caller computes it again.</summary>
    public static bool TryRead(string path, int rows, out FeatureMatrix matrix)
    {
        matrix = null!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
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

    /// <summary>Writes through a temporary file and a rename, so parallel writers and crashes leave whole files.</summary>
    public static void Write(string path, FeatureMatrix matrix)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var values = matrix.Values;
        var bytes = new byte[HeaderBytes + values.Length * sizeof(float)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, matrix.Coefficients);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(sizeof(int)), matrix.Frames);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)), values[i]);
        }
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
