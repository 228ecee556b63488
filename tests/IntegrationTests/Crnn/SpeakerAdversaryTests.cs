using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Sequence;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Crnn;

/// <summary>
/// <see cref="SequenceTrainingOptions.SpeakerAdversary"/>: a speaker classifier behind a gradient-reversal layer, present
/// only while training.
/// </summary>
public sealed class SpeakerAdversaryTests
{
    private static readonly int[] Speakers = [3, 3, 7, 7, 12, 12];

    [Test]
    public void Loss_GivesTheEmbeddingMinusStrengthTimesTheClassifiersGradient_AndTheClassifierItsOwn()
    {
        manual_seed(1);
        using var adversary = new SpeakerAdversary(embeddingSize: 10, Speakers);
        using var embedding = randn(4, 10).requires_grad_();
        int[] examples = [0, 2, 4, 5];

        adversary.Loss(embedding, examples, strength: 0.25).backward();
        using var reversedGradient = embedding.grad!.clone();
        var headGradients = adversary.parameters().Select(p => p.grad!.clone()).ToArray();

        // The same loss without reversal, from a fresh copy of the embedding and zeroed classifier gradients.
        foreach (var p in adversary.parameters())
        {
            p.grad!.zero_();
        }
        using var plain = embedding.detach().clone().requires_grad_();
        using var targets = tensor(new long[] { 0, 1, 2, 2 });   // speakers 3, 7, 12, 12 as classes of the sorted ids
        nn.functional.cross_entropy(adversary.forward(plain), targets).backward();

        Assert.Multiple(() =>
        {
            Assert.That(reversedGradient.allclose(plain.grad! * -0.25, rtol: 1e-5, atol: 1e-7), Is.True, "embedding gradient");
            Assert.That(reversedGradient.abs().sum().item<float>(), Is.GreaterThan(0f));
            foreach (var (reversed, own) in headGradients.Zip(adversary.parameters()))
            {
                Assert.That(reversed.allclose(own.grad!, rtol: 1e-5, atol: 1e-7), Is.True, "classifier gradient");
            }
        });
        foreach (var g in headGradients)
        {
            g.Dispose();
        }
    }

    [Test]
    public void Loss_HasTheValueOfThePlainSpeakerCrossEntropy()
    {
        manual_seed(2);
        using var adversary = new SpeakerAdversary(embeddingSize: 6, Speakers);
        using var embedding = randn(3, 6);
        using var targets = tensor(new long[] { 2, 0, 1 });

        using var reversed = adversary.Loss(embedding, [5, 1, 3], strength: 0.7);
        using var plain = nn.functional.cross_entropy(adversary.forward(embedding), targets);

        Assert.That(reversed.item<float>(), Is.EqualTo(plain.item<float>()).Within(1e-6));
    }

    [Test]
    public void Constructor_OneSpeaker_IsRefused() =>
        Assert.That(() => new SpeakerAdversary(8, [4, 4, 4]), Throws.ArgumentException.With.Message.Contains("two training speakers"));

    [Test]
    public void Fit_WithAdversary_TrainsTheSameNetworkShapeWithDifferentWeights_AndRepeatsExactly()
    {
        var train = WithSpeakers(SequenceTrainerTests.Synthetic(perClass: 4, seed: 1));
        var validation = SequenceTrainerTests.Synthetic(perClass: 1, seed: 2);
        var plainOptions = SequenceTrainerTests.Tiny with { Epochs = 2 };
        var adversarial = plainOptions with { SpeakerAdversary = 1.0 };

        using var plain = SequenceTrainer.Fit(train, validation, plainOptions, seed: 3, CancellationToken.None).Module;
        using var first = SequenceTrainer.Fit(train, validation, adversarial, seed: 3, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, validation, adversarial, seed: 3, CancellationToken.None).Module;

        var p = plain.state_dict();
        var a = first.state_dict();
        var b = second.state_dict();
        Assert.Multiple(() =>
        {
            Assert.That(a.Keys, Is.EqualTo(p.Keys), "the adversary is not part of the saved network");
            Assert.That(a.Keys.All(k => a[k].shape.SequenceEqual(p[k].shape)), Is.True);
            Assert.That(a.Keys.Any(k => !a[k].allclose(p[k], rtol: 0, atol: 0)), Is.True, "the adversary changed nothing");
            Assert.That(a.Keys.All(k => a[k].allclose(b[k], rtol: 0, atol: 0)), Is.True, "not reproducible");
        });
    }

    [Test]
    public void Fit_AdversaryWithoutSpeakers_IsRefused()
    {
        var train = SequenceTrainerTests.Synthetic(perClass: 2, seed: 1);
        var options = SequenceTrainerTests.Tiny with { Epochs = 1, SpeakerAdversary = 0.5 };

        Assert.That(() => SequenceTrainer.Fit(train, train, options, seed: 1, CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("speaker"));
    }

    [Test]
    public void Fit_AdversaryWithMixup_IsRefused()
    {
        var train = WithSpeakers(SequenceTrainerTests.Synthetic(perClass: 2, seed: 1));
        var options = SequenceTrainerTests.Tiny with { Epochs = 1, SpeakerAdversary = 0.5, MixupAlpha = 0.2 };

        Assert.That(() => SequenceTrainer.Fit(train, train, options, seed: 1, CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("mixup"));
    }

    [Test]
    public void CrnnSettings_SpeakerAdversaryKey_SetsTheWeight_AndIsOffWithoutIt()
    {
        Assert.That(CrnnSettings.From(CrnnConfig.With(("speaker_adversary", "0.3"))).Options.SpeakerAdversary, Is.EqualTo(0.3));
        Assert.That(CrnnSettings.From(CrnnConfig.With()).Options.SpeakerAdversary, Is.Zero);
    }

    [TestCase("-0.1")]
    [TestCase("11")]
    [TestCase("strong")]
    public void CrnnSettings_SpeakerAdversaryOutOfRange_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("speaker_adversary", text))));

        Assert.That(e!.Message, Does.Contain($"[crnn] speaker_adversary = '{text}'"));
    }

    [Test]
    public void CrnnSettings_SpeakerAdversaryWithMixup_IsRefused()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() =>
            CrnnSettings.From(CrnnConfig.With(("speaker_adversary", "0.3"), ("mixup_alpha", "0.2"))));

        Assert.That(e!.Message, Does.Contain("speaker_adversary").And.Contain("mixup_alpha"));
    }

    /// <summary>Four made-up speakers, each with two clips of every class.</summary>
    private static LabeledSequences WithSpeakers(LabeledSequences data) =>
        data with { Speakers = Enumerable.Range(0, data.Count).Select(i => 1 + i % 4).ToArray() };
}
