using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.Domain;

[TestFixture]
public sealed class EmotionsTests
{
    [Test]
    public void AllLabels_AreTheEightRavdessEmotionsInAlphabeticalOrder()
    {
        Assert.That(Emotions.AllLabels, Is.EqualTo(new[] { "angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised" }));
        Assert.That(Emotions.AllLabels, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(Emotions.Count, Is.EqualTo(8));
    }

    [Test]
    public void LabelIndex_IsTheModelOutputIndex()
    {
        for (int i = 0; i < Emotions.Count; i++)
        {
            Assert.That((int)Emotions.InLabelOrder[i], Is.EqualTo(i));
            Assert.That(Emotions.InLabelOrder[i].Label(), Is.EqualTo(Emotions.AllLabels[i]));
        }
    }

    [TestCase("Angry", Emotion.Angry)]
    [TestCase("SURPRISED", Emotion.Surprised)]
    [TestCase("neutral", Emotion.Neutral)]
    public void TryParseLabel_AnyCase_Parses(string label, Emotion expected)
    {
        Assert.That(Emotions.TryParseLabel(label, out var emotion), Is.True);
        Assert.That(emotion, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("bored")]
    public void TryParseLabel_Unknown_ReturnsFalse(string? label)
    {
        Assert.That(Emotions.TryParseLabel(label, out _), Is.False);
    }

    [Test]
    public void TryFromRavdessCode_OnlyCodes1To8_MapToDistinctEmotions()
    {
        var mapped = Enumerable.Range(1, 8).Select(c => Emotions.TryFromRavdessCode(c, out var e) ? e : (Emotion?)null).ToArray();

        Assert.That(mapped, Is.All.Not.Null);
        Assert.That(mapped.Distinct().Count(), Is.EqualTo(8));
        Assert.That(Emotions.TryFromRavdessCode(0, out _), Is.False);
        Assert.That(Emotions.TryFromRavdessCode(9, out _), Is.False);
    }
}
