using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.Onnx;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

/// <summary>
/// Every architecture's ONNX graph answers as its torch forward does (eval mode, softmax of the logits), on weights and
/// batch-norm statistics far from their initial values, for batches, odd lengths and the shortest clip.
/// </summary>
[TestFixture]
public sealed class OnnxRuntimeNetworkTests
{
    private const double Tolerance = 1e-5;
    private const int Classes = 8;
    private const int MelBands = 64;

    [TestCase(5)]
    [TestCase(1)]
    public void Dnn_AnswersAsTheTorchForward(int batch) =>
        AssertSameAnswers(() => new EmotionDnn(25, Classes), [batch, 25]);

    [TestCase(5)]
    [TestCase(1)]
    public void Cnn_AnswersAsTheTorchForward(int batch) =>
        AssertSameAnswers(() => new EmotionCnnV2(25, Classes), [batch, 25]);

    [TestCase(144)]
    [TestCase(37)]
    [TestCase(EmotionCrnn.MinFrames)]
    public void Crnn_AnswersAsTheTorchForward(int frames) =>
        AssertSameAnswers(() => new EmotionCrnn(MelBands, Classes), [1, MelBands, frames]);

    [TestCase(91)]
    [TestCase(EmotionCrnn.MinFrames)]
    public void PitchCrnn_AnswersAsTheTorchForward(int frames) =>
        AssertSameAnswers(() => new EmotionCrnn(MelBands, Classes, pitchRows: PitchFeatures.Rows), [1, MelBands + PitchFeatures.Rows, frames]);

    [Test]
    public void MixedEnsemble_AnswersTheMembersMeanProbabilities() =>
        AssertSameAnswers(
            () => EmotionCrnnEnsemble.Create([EmotionCrnn.PitchArchitectureName, EmotionCrnn.PitchArchitectureName, EmotionCrnn.ArchitectureName],
                MelBands, PitchFeatures.Rows, Classes),
            [1, MelBands + PitchFeatures.Rows, 120]);

    [Test]
    public void Compile_ModuleWithoutAGraph_SaysSo()
    {
        using var linear = nn.Sequential(nn.Linear(4, 2));
        var e = Assert.Throws<ArgumentException>(() => OnnxRuntimeNetwork.Compile(linear));
        Assert.That(e!.Message, Does.Contain("cannot be compiled"));
    }

    private static void AssertSameAnswers(Func<nn.Module<Tensor, Tensor>> create, long[] shape)
    {
        manual_seed(7);
        using var module = create();
        Perturb(module);
        module.eval();
        var input = randn(shape);
        var values = input.data<float>().ToArray();
        float[] expected;
        using (no_grad())
        {
            expected = nn.functional.softmax(module.forward(input), 1).data<float>().ToArray();
        }
        // The ensemble's forward returns log mean probabilities, whose softmax is the mean again.
        using var compiled = OnnxRuntimeNetwork.Compile(module);

        var actual = compiled.Run(values, shape);

        Assert.That(actual, Has.Length.EqualTo(shape[0] * Classes));
        var worst = actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).Max();
        TestContext.Out.WriteLine($"worst difference {worst:E2}, largest probability {expected.Max():F3}");
        Assert.That(worst, Is.LessThan(Tolerance));
        Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(0.01), "answers that depend on the weights");
        Assert.That(expected.Max(), Is.LessThan(0.99), "answers that are not saturated, so a small error would show");
    }

    /// <summary>Weights scaled up and batch-norm statistics moved, so every parameter and buffer changes the answer.</summary>
    private static void Perturb(nn.Module<Tensor, Tensor> module)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            parameter.add_(randn_like(parameter).mul(0.05));
        }
        foreach (var (name, buffer) in module.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal))
                buffer.copy_(randn_like(buffer).mul(0.3));
            else if (name.EndsWith("running_var", StringComparison.Ordinal))
                buffer.copy_(rand_like(buffer).add(0.5));
        }
    }
}
