using System.Security.Cryptography;
using System.Text;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>What the networks read of one clip under one recording condition: the MFCC mean (CNN, DNN) and, when a sequence
/// network is trained, its prepared sequence and functionals.</summary>
internal sealed record ConditionedInput(float[] Mfccs, SpeechSequence? Sequence);

/// <summary>
/// A clip's features under recording conditions (<see cref="RecordingConditions"/>): the benchmark's fixed conditions, which
/// test clips are scored under, and the multi-condition training copies, each a condition drawn at random from the training
/// distribution. Both go through the very <see cref="FeaturePipeline"/> serving uses, from degraded audio, so a network trains
/// and is measured on what it would be served. Every draw is seeded by the clip's content, the condition and its role
/// ("test" or "train"), so test conditions are never the random draws training saw, and reruns give the same numbers.
/// Features are cached like the clean ones, under a variant named by the condition (or the copy index) and
/// <see cref="Version"/>; the degraded audio is made only when the cache lacks a part.
/// </summary>
internal sealed class ConditionedCopies(FeatureProfile vectorProfile, SequenceExtraction? sequences, FeatureCache? cache, SpeechPool speech)
{
    /// <summary>Bump when the conditions library changes what a condition does to audio: cached conditioned features of
    /// another version are not read.</summary>
    public const int Version = 1;

    private readonly FeaturePipeline vectors = FeaturePipeline.For(vectorProfile);

    /// <summary>The clip under benchmark condition <paramref name="condition"/>.</summary>
    public ConditionedInput Benchmark(CorpusFile file, string hash, Func<AudioClip> clean, Condition condition, out bool cacheHit) =>
        Input(file, hash, $"test-{Key(condition.Name)}", () => condition.Apply(clean(), RecordingConditions.Seed(hash, condition.Name, "test"), speech.Others(file)), out cacheHit);

    /// <summary>Training copy <paramref name="copy"/> (0, 1, …) of the clip: a condition drawn from the training distribution.</summary>
    public ConditionedInput TrainingCopy(CorpusFile file, string hash, Func<AudioClip> clean, int copy, out bool cacheHit)
    {
        var name = $"copy {copy}";
        return Input(file, hash, $"train{copy}", () =>
        {
            var condition = RecordingConditions.Draw(new Random(RecordingConditions.Seed(hash, name, "train-draw")));
            return condition.Apply(clean(), RecordingConditions.Seed(hash, name, "train"), speech.Others(file));
        }, out cacheHit);
    }

    private ConditionedInput Input(CorpusFile file, string hash, string variant, Func<AudioClip> degrade, out bool cacheHit)
    {
        variant = $"c{Version}-{variant}";
        var audio = new Lazy<AudioClip>(degrade);
        bool hit = true;
        float[] mfccs;
        var artefact = Artefacts.MeanMfcc(vectorProfile, variant);
        if (cache is null || !cache.TryGet(artefact, hash, out mfccs!))
        {
            hit = false;
            mfccs = vectors.MfccMean(vectors.Analyse(audio.Value));
            cache?.Put(artefact, hash, mfccs);
        }
        SpeechSequence? sequence = null;
        if (sequences is not null)
        {
            var read = sequences.Read(hash, () => audio.Value, variant);
            hit &= read.CacheHit;
            sequence = read.Example.Input;
        }
        cacheHit = hit;
        return new ConditionedInput(mfccs, sequence);
    }

    /// <summary>A short stable folder key for a condition's name (names hold spaces and signs).</summary>
    private static string Key(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
}

/// <summary>
/// Other speakers' clean speech for babble noise, read from the corpus on demand. A clip's babble comes only from the other
/// actors of its own test group (the actors one cross-validation fold tests on): training copies of a fold's training
/// actors then never carry the voices of that fold's test actors, and a test clip's babble is speakers no network in its
/// fold heard either.
/// </summary>
internal sealed class SpeechPool(IReadOnlyList<CorpusFile> files, IReadOnlyList<int[]> groups)
{
    public ISpeechSource Others(CorpusFile file)
    {
        var group = groups.FirstOrDefault(g => g.Contains(file.Name.Actor)) ?? [];
        var others = files.Where(f => f.Name.Actor != file.Name.Actor && group.Contains(f.Name.Actor)).ToArray();
        if (others.Length == 0)
        {
            // A corpus with a single actor per group: any other actor's speech.
            others = files.Where(f => f.Name.Actor != file.Name.Actor).ToArray();
        }
        return new Source(others);
    }

    private sealed class Source(CorpusFile[] files) : ISpeechSource
    {
        public AudioClip Draw(Random random) =>
            files.Length == 0
                ? throw new InvalidOperationException("Babble needs speech of another actor; the corpus has only one.")
                : AudioDecoding.ForLocalFiles.Decode(File.ReadAllBytes(files[random.Next(files.Length)].Path));
    }
}
