using System.Buffers.Binary;
using System.Text;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// Synthetic RAVDESS-like data with a known structure: each emotion is a cluster in feature space,
/// each actor shifts all their clips a little, each clip adds noise. A model that generalises across
/// speakers scores far above chance (1/8) on held-out actors.
/// </summary>
internal static class Synthetic
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SYNTHETIC-FEATURES");

    public static int Width => FeatureProfile.ContractMfccCount;

    public static IReadOnlyList<LabeledClip<float[]>> Clips(int actors, int clipsPerEmotion, int seed, double separation = 2.5)
    {
        var random = new Random(seed);
        var centres = Emotions.InLabelOrder.Select(_ => Gaussian(random, Width, separation)).ToArray();
        var clips = new List<LabeledClip<float[]>>();
        for (int actor = 1; actor <= actors; actor++)
        {
            var shift = Gaussian(random, Width, 0.5);
            foreach (var emotion in Emotions.InLabelOrder)
            {
                for (int k = 0; k < clipsPerEmotion; k++)
                {
                    var noise = Gaussian(random, Width, 1.0);
                    var features = Enumerable.Range(0, Width).Select(j => (float)(centres[(int)emotion][j] + shift[j] + noise[j]) * 10 + 3 * j).ToArray();
                    var name = Name(emotion, k, actor);
                    clips.Add(new LabeledClip<float[]>($"Actor_{actor:00}/{FileName(name)}", name, $"{actor:00}{(int)emotion}{k:0000}".PadRight(64, 'a'), features));
                }
            }
        }
        return clips;
    }

    /// <summary>Writes the clips as files that <see cref="Extract"/> decodes, in the RAVDESS folder layout.</summary>
    public static void WriteCorpus(string root, IReadOnlyList<LabeledClip<float[]>> clips)
    {
        foreach (var clip in clips)
        {
            var path = Path.Combine(root, clip.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Encode(clip.Features));
        }
    }

    public static byte[] Encode(float[] features)
    {
        var bytes = new byte[Magic.Length + features.Length * 4];
        Magic.CopyTo(bytes, 0);
        for (int i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(Magic.Length + 4 * i), features[i]);
        }
        return bytes;
    }

    /// <summary>Stands in for the feature pipeline on synthetic files; anything else is "unreadable audio".</summary>
    public static float[] Extract(byte[] file)
    {
        if (file.Length != Magic.Length + Width * 4 || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a synthetic clip");
        }
        return Enumerable.Range(0, Width).Select(i => BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(Magic.Length + 4 * i))).ToArray();
    }

    /// <summary>Distinct names for k below 8 (below 4 for neutral, which has no strong intensity), as in RAVDESS.</summary>
    /// <summary>The extractor factory for synthetic files: a "speed" scales the vector, a stand-in for augmentation.</summary>
    public static float[] ExtractAt(byte[] file, double speed) => Extract(file).Select(v => (float)(v * speed)).ToArray();

    public static RavdessFileName Name(Emotion emotion, int k, int actor) => emotion == Emotion.Neutral
        ? new(3, VocalChannel.Speech, emotion, Intensity.Normal, k % 2 + 1, k / 2 % 2 + 1, actor)
        : new(3, VocalChannel.Speech, emotion, k % 2 == 0 ? Intensity.Normal : Intensity.Strong, k / 2 % 2 + 1, k / 4 % 2 + 1, actor);

    public static string FileName(RavdessFileName n) =>
        $"{n.Modality:00}-{(int)n.VocalChannel:00}-{RavdessCode(n.Emotion):00}-{(int)n.Intensity:00}-{n.Statement:00}-{n.Repetition:00}-{n.Actor:00}.wav";

    private static int RavdessCode(Emotion emotion) =>
        Enumerable.Range(1, 8).First(code => Emotions.TryFromRavdessCode(code, out var e) && e == emotion);

    private static double[] Gaussian(Random random, int n, double sd) =>
        Enumerable.Range(0, n).Select(_ => sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
}
