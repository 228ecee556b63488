using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// `train` with <c>[crnn] pitch = true</c>, end to end, on the real RAVDESS clips of four actors with the tiniest recipe
/// (2 folds, a 2-member ensemble of 1 epoch, 2 worker processes): the saved set serves a pitch ensemble through the
/// sequence-pitch profile with its functionals model, and the pitch tracks are cached beside the log-mel under the sequence
/// profile's key.
/// </summary>
[TestFixture]
public sealed class TrainPitchCrnnCliTests
{
    private const int Actors = 4;
    private TempFolder folder = null!;
    private (int Exit, string Out, string Err) trained;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        folder = new TempFolder("train-pitch-crnn");
        RealCorpus.CopySpeech(folder, Actors);
        var config = folder.Combine("config.ini");
        File.WriteAllText(config,
            "[data]\nsource_path = corpus\ncache_path = cache\n" +
            "[training]\nseed = 5\nepochs = 1\npatience = 1\nfolds = 2\nvalidation_actors = 1\nspeed_perturbation = none\ncondition_copies = 0\nbenchmark_conditions = false\nworkers = 2\n" +
            "[crnn]\npitch = true\nepochs = 1\nensemble = 2\ncrop_frames = 32\n" +
            "[models]\npath = models\n");
        trained = await RealCorpus.Train(config);
    }

    [OneTimeTearDown]
    public void Cleanup() => folder.Dispose();

    [Test]
    public void Train_Pitch_SavesAPitchEnsembleThatClassifiesAClipThroughItsProfile()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var set = new ModelStore(folder.Combine("models")).LoadCurrent();
        var entry = set.Manifest.Networks.Single(n => n.Network == NetworkType.Crnn.Name());
        Assert.That(entry.Architecture, Is.EqualTo("crnn-pitch-v1x2"));
        Assert.That(entry.Profile, Is.EqualTo(FeatureProfile.SequencePitch));
        Assert.That(entry.InputSize, Is.EqualTo(FeatureProfile.SequencePitch.MelBands));
        Assert.That(entry.Metrics!.Protocol, Does.Contain("pitch rows"));
        // The cross-validation mixed a functionals model in, and the saved set carries the one fitted for serving.
        Assert.That(entry.Metrics.Protocol, Does.Contain("mixed 0.75 : 0.25 with a logistic regression"));
        Assert.That(entry.Functionals, Is.Not.Null);
        Assert.That((entry.Functionals!.Weight, entry.Functionals.L2), Is.EqualTo((0.25, SequenceTrainingOptions.Default.FunctionalsL2)));
        Assert.That(entry.Functionals.Problem(Emotions.Count, entry.InputSize), Is.Null);

        var clip = Directory.GetFiles(folder.Combine("corpus", "Actor_01"), "*.wav").Order().First();
        var speech = new FeaturePipeline(set.Describe(NetworkType.Crnn).Profile).ExtractSpeech(WavReader.Read(File.ReadAllBytes(clip)));
        var probabilities = set.ClassifySequence(NetworkType.Crnn, speech.Sequence, speech.Functionals);
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void Train_Pitch_CachesLogMelAndTracksUnderTheSequenceProfile()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var cache = folder.Combine("cache");
        var tracker = new PitchTracker(FeatureProfile.Sequence);

        var store = new FeatureCache(cache);

        Assert.That(Directory.Exists(store.FolderOf(Artefacts.LogMel(SequenceExtraction.CacheProfile(FeatureProfile.Sequence)))), Is.True);
        Assert.That(Directory.GetFiles(store.FolderOf(Artefacts.PitchTrack(SequenceExtraction.CacheProfile(FeatureProfile.Sequence), tracker)), "*.f0", SearchOption.AllDirectories),
            Has.Length.EqualTo(Actors * 60));
    }
}
