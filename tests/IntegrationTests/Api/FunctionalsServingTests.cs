using EmotionRecognition.Trainer.Settings;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Sequence;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// A CRNN set served with a functionals model: the store keeps and checks it, the set mixes its probabilities with the
/// network's as <see cref="FunctionalsModel.Mix"/> says, the Api hands it the clip's functionals, and config.ini turns it on.
/// </summary>
[TestFixture]
public sealed class FunctionalsServingTests
{
    private static readonly int Mels = FeatureProfile.SequencePitch.MelBands;

    private static FeatureMatrix Clip(int frames) =>
        new(Mels + PitchFeatures.Rows, frames, Enumerable.Range(0, (Mels + PitchFeatures.Rows) * frames).Select(i => (float)Math.Sin(i * 0.37)).ToArray());

    /// <summary>A functionals model fitted on random vectors of the real layout's length (what it learns does not matter here).</summary>
    private static FunctionalsModel Functionals(double weight = 0.25)
    {
        var random = new Random(5);
        int size = ClipFunctionals.Count(Mels);
        var x = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        return FunctionalsTrainer.Fit(x, Enumerable.Range(0, 40).Select(i => i % Emotions.Count).ToArray(), Emotions.Count, 1.0, weight);
    }

    private static float[] Vector(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, ClipFunctionals.Count(Mels)).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>The same pitch CRNN saved twice: alone, and with <paramref name="functionals"/>.</summary>
    private static (LoadedModelSet Plain, LoadedModelSet Mixed) Sets(TempFolder folder, FunctionalsModel? functionals)
    {
        var sets = new List<LoadedModelSet>();
        foreach (var (name, model) in new[] { ("plain", (FunctionalsModel?)null), ("mixed", functionals) })
        {
            manual_seed(11);
            var crnn = new EmotionCrnn(Mels, Emotions.Count, pitchRows: PitchFeatures.Rows);
            crnn.eval();
            var store = new ModelStore(Path.Combine(folder.Path, name));
            store.Save(new ModelSetDraft(11, "0000feedface", FeatureProfile.Compat,
            [
                new TrainedNetwork(NetworkType.Crnn, EmotionCrnn.PitchArchitectureName, crnn, null, new TrainingRun([1, 2], [3], 10, 1, 1), null,
                    FeatureProfile.SequencePitch, Functionals: model),
            ]));
            crnn.Dispose();
            sets.Add(store.LoadCurrent());
        }
        return (sets[0], sets[1]);
    }

    [Test]
    public void PredictSequence_SetWithFunctionals_ServesTheMixOfTheNetworkAndTheFunctionalsModel()
    {
        using var folder = new TempFolder();
        var model = Functionals(weight: 0.3);
        var (plain, mixed) = Sets(folder, model);
        var clip = Clip(60);
        var functionals = Vector(1);

        var network = plain.ClassifySequence(NetworkType.Crnn, clip);
        var served = mixed.ClassifySequence(NetworkType.Crnn, clip, functionals);

        var own = model.Probabilities(functionals);
        var expected = network.Select((p, k) => (float)(0.7 * p + 0.3 * own[k])).ToArray();
        Assert.That(served, Is.EqualTo(expected).Within(1e-6));
        Assert.That(served.Sum(), Is.EqualTo(1f).Within(1e-5));
        Assert.That(served, Is.Not.EqualTo(network).Within(1e-6), "the functionals model changes the answer");
        Assert.That(mixed.ClassifySequence(NetworkType.Crnn, clip, Vector(2)), Is.Not.EqualTo(served).Within(1e-6), "other functionals, another answer");
        Assert.That(plain.ClassifySequence(NetworkType.Crnn, clip, functionals), Is.EqualTo(network), "a set without the model ignores them");
    }

    [Test]
    public void PredictSequence_SetWithFunctionalsGivenNone_IsRefusedSayingWhatItNeeds()
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());

        var e = Assert.Throws<ArgumentException>(() => mixed.ClassifySequence(NetworkType.Crnn, Clip(40)));

        Assert.That(e!.Message, Does.Contain("functionals").And.Contain("FeaturePipeline.Sequence"));
    }

    [Test]
    public void PredictSequence_FunctionalsOfTheWrongLength_IsRefusedWithBothLengths()
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());

        var e = Assert.Throws<ArgumentException>(() => mixed.ClassifySequence(NetworkType.Crnn, Clip(40), new float[10]));

        Assert.That(e!.Message, Does.Contain("10").And.Contain(ClipFunctionals.Count(Mels).ToString()));
    }

    [Test]
    public void PredictSequence_FunctionalsWithANaN_IsRefusedNotAnsweredWithNaN()
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());
        var functionals = Vector(4);
        functionals[17] = float.NaN;

        var e = Assert.Throws<ArgumentException>(() => mixed.ClassifySequence(NetworkType.Crnn, Clip(40), functionals));

        Assert.That(e!.Message, Does.Contain("not a finite number"));
    }

    [Test]
    public void Load_SavedFunctionalsModel_RoundTripsThroughTheManifest()
    {
        using var folder = new TempFolder();
        var model = Functionals();
        var (_, mixed) = Sets(folder, model);

        var entry = mixed.Manifest.Networks.Single();

        Assert.That(entry.Functionals, Is.Not.Null);
        Assert.That(entry.Functionals!.Layout, Is.EqualTo(ClipFunctionals.LayoutName));
        Assert.That(entry.Functionals.Weight, Is.EqualTo(model.Weight));
        Assert.That(entry.Functionals.Mean, Is.EqualTo(model.Mean));
        Assert.That(entry.Functionals.Coefficients.SelectMany(r => r), Is.EqualTo(model.Coefficients.SelectMany(r => r)));
        Assert.That(entry.Functionals.Probabilities(Vector(3)), Is.EqualTo(model.Probabilities(Vector(3))));
    }

    [TestCase("weight", "1.5", "strictly between 0 and 1")]
    [TestCase("layout", "\"clip-functionals-v0\"", "clip-functionals-v0")]
    [TestCase("mean", "[1, 2, 3]", "3 means")]
    public void Load_ManifestWithABrokenFunctionalsModel_IsRefusedNamingTheProblem(string field, string json, string expected)
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());
        var setFolder = Path.Combine(folder.Path, "mixed", mixed.Id);
        var manifestPath = Path.Combine(setFolder, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["networks"]![0]!["functionals"]![field] = JsonNode.Parse(json);
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var e = Assert.Throws<ModelStoreException>(() => new ModelStore(Path.Combine(folder.Path, "mixed")).LoadCurrent());

        Assert.That(e!.Message, Does.Contain("functionals model").And.Contain(expected));
    }

    [Test]
    public void Load_FunctionalsModelOnAnMfccVectorNetwork_IsRefused()
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());
        var store = new ModelStore(Path.Combine(folder.Path, "vector"));
        TestModelSets.Save(store, seed: 3);
        var manifestPath = Path.Combine(store.Root, store.ReadPointer()!, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var functionals = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "mixed", mixed.Id, ModelManifest.FileName)))!["networks"]![0]!["functionals"]!;
        var dnn = manifest["networks"]!.AsArray().First(n => (string?)n!["network"] == "DNN")!;
        dnn["functionals"] = functionals.DeepClone();
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("DNN").And.Contain("functionals model"));
    }

    [Test]
    public async Task Api_AudioForACrnnWithFunctionals_ServesTheMixOfTheClipsOwnFunctionals()
    {
        using var folder = new TempFolder();
        var (_, mixed) = Sets(folder, Functionals());
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = Path.Combine(folder.Path, "mixed") });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();
        var wav = GoldenWavs.Read("speech_22050_s16.wav");
        var content = PredictionRequests.Wav(wav);

        var response = await client.PostAsync("/prediction/crnn", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var probabilities = PredictionRequests.Probabilities(text);
        var speech = new FeaturePipeline(FeatureProfile.SequencePitch).ExtractSpeech(WavReader.Read(wav));
        Assert.That(probabilities, Is.EqualTo(classifier.Current.ClassifySequence(NetworkType.Crnn, speech.Sequence, speech.Functionals)));
    }

    [Test]
    public void ExtractSpeech_PitchProfile_IsExtractSequenceWithTheFunctionalsOfTheSameLogMelAndTrack()
    {
        var clip = WavReader.Read(GoldenWavs.Read("speech_22050_s16.wav"));
        var pipeline = new FeaturePipeline(FeatureProfile.SequencePitch);

        var speech = pipeline.ExtractSpeech(clip);

        var analysis = pipeline.Analyse(clip);
        var floor = FeatureProfile.SequencePitch.FloorDb;
        Assert.That(speech.Sequence.Values.ToArray(), Is.EqualTo(PitchFeatures.Prepare(analysis.LogMel, analysis.Pitch!, floor).Values.ToArray()));
        Assert.That(speech.Functionals, Is.EqualTo(ClipFunctionals.Compute(analysis.LogMel, new PitchTracker(FeatureProfile.SequencePitch).Track(analysis.Signal.Span), floorDb: floor)));
        Assert.That(new FeaturePipeline(FeatureProfile.Sequence).ExtractSpeech(clip).Functionals, Is.Null, "no pitch rows, no functionals");
    }

    [Test]
    public void Fit_RecipeWithWeightZero_FitsNothing()
    {
        var options = SequenceTrainingOptions.OneNetwork.WithPitchRows();
        Assert.That(FunctionalsTrainer.Fit([], options), Is.Null);
    }
}
