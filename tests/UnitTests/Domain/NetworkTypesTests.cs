using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.Domain;

[TestFixture]
public sealed class NetworkTypesTests
{
    [TestCase("CNN", NetworkType.Cnn)]
    [TestCase("cnn", NetworkType.Cnn)]
    [TestCase("Dnn", NetworkType.Dnn)]
    [TestCase("crnn", NetworkType.Crnn)]
    public void TryParse_AnyCase_Parses(string text, NetworkType expected)
    {
        Assert.That(NetworkTypes.TryParse(text, out var network), Is.True);
        Assert.That(network, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("rnn")]
    [TestCase(" cnn")]
    [TestCase("0")]
    public void TryParse_Unknown_ReturnsFalse(string? text)
    {
        Assert.That(NetworkTypes.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Names_AreUpperCaseAndListed()
    {
        Assert.That(NetworkTypes.All.Select(n => n.Name()), Is.EqualTo(new[] { "CNN", "DNN", "CRNN" }));
        Assert.That(NetworkTypes.ValidNames, Is.EqualTo("CNN, DNN, CRNN"));
    }

    [Test]
    public void TakesMfccVector_OnlyTheOriginalContractsNetworks()
    {
        Assert.That(NetworkTypes.All.Where(n => n.TakesMfccVector()), Is.EqualTo(new[] { NetworkType.Cnn, NetworkType.Dnn }));
        Assert.That(NetworkTypes.MfccVectorNames, Is.EqualTo("CNN, DNN"));
    }
}
