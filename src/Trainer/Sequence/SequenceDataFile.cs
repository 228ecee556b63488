using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// The prepared clips a <c>train</c> run hands to its worker processes, written once per run: each clip's path,
/// content hash, [bands, frames] floats and its conditioned copies' sequences, in the run's order (the order decides the shuffles, so a worker must see
/// exactly what an in-process fit sees). Binary and exact: floats round-trip bit for bit.
/// </summary>
internal static class SequenceDataFile
{
    private const string Magic = "EMOTION-SEQUENCES-2";

    public static void Write(string path, IReadOnlyList<LabeledClip<SequenceExample>> clips)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write(clips.Count);
        foreach (var clip in clips)
        {
            writer.Write(clip.Path);
            writer.Write(clip.ContentHash);
            WriteMatrix(writer, clip.Features.Sequence);
            writer.Write(clip.Features.Copies.Count);
            foreach (var copy in clip.Features.Copies)
            {
                WriteMatrix(writer, copy.Sequence);
            }
        }
    }

    private static void WriteMatrix(BinaryWriter writer, FeatureMatrix matrix)
    {
        writer.Write(matrix.Rows);
        writer.Write(matrix.Frames);
        foreach (var value in matrix.Values)
        {
            writer.Write(value);
        }
    }

    private static FeatureMatrix ReadMatrix(BinaryReader reader)
    {
        int bands = reader.ReadInt32();
        int frames = reader.ReadInt32();
        var values = new float[checked(bands * frames)];
        for (int v = 0; v < values.Length; v++)
        {
            values[v] = reader.ReadSingle();
        }
        return new FeatureMatrix(bands, frames, values);
    }

    /// <exception cref="InvalidDataException">Not a file <see cref="Write"/> made, or cut short.</exception>
    public static IReadOnlyList<LabeledClip<SequenceExample>> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"{path} is not a sequence data file.");
            }
            var clips = new LabeledClip<SequenceExample>[reader.ReadInt32()];
            for (int i = 0; i < clips.Length; i++)
            {
                var clipPath = reader.ReadString();
                var hash = reader.ReadString();
                var features = ReadMatrix(reader);
                var copies = new SpeechSequence[reader.ReadInt32()];
                for (int k = 0; k < copies.Length; k++)
                {
                    copies[k] = new SpeechSequence(ReadMatrix(reader), null);
                }
                if (!RavdessFileName.TryParse(clipPath, out var name))
                {
                    throw new InvalidDataException($"{path}: clip {i} has no RAVDESS file name ({clipPath}).");
                }
                clips[i] = new LabeledClip<SequenceExample>(clipPath, name!, hash, new SequenceExample(features) { Copies = copies });
            }
            return clips;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path} ends early: it was not completely written.");
        }
    }
}
