using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.Domain;

[TestFixture]
public sealed class RavdessFileNameTests
{
    [Test]
    public void TryParse_SpeechClip_ReadsAllSevenFields()
    {
        Assert.That(RavdessFileName.TryParse("Actor_12/03-01-06-02-01-02-12.wav", out var name), Is.True);

        Assert.That(name, Is.EqualTo(new RavdessFileName(3, VocalChannel.Speech, Emotion.Fearful, Intensity.Strong, 1, 2, 12)));
        Assert.That(name!.IsFemaleActor, Is.True);
    }

    [TestCase("03-01-01-01-01-01-01", Emotion.Neutral)]
    [TestCase("03-01-02-01-01-01-01", Emotion.Calm)]
    [TestCase("03-01-03-01-01-01-01", Emotion.Happy)]
    [TestCase("03-01-04-01-01-01-01", Emotion.Sad)]
    [TestCase("03-01-05-01-01-01-01", Emotion.Angry)]
    [TestCase("03-01-06-01-01-01-01", Emotion.Fearful)]
    [TestCase("03-01-07-01-01-01-01", Emotion.Disgust)]
    [TestCase("03-01-08-01-01-01-01", Emotion.Surprised)]
    public void TryParse_EmotionCode_MapsToTheRavdessEmotion(string stem, Emotion expected)
    {
        Assert.That(RavdessFileName.TryParse(stem + ".wav", out var name), Is.True);
        Assert.That(name!.Emotion, Is.EqualTo(expected));
    }

    [Test]
    public void TryParse_SongClip_IsVocalChannelSong()
    {
        Assert.That(RavdessFileName.TryParse("03-02-03-02-02-01-07.wav", out var name), Is.True);
        Assert.That(name!.VocalChannel, Is.EqualTo(VocalChannel.Song));
        Assert.That(name.IsFemaleActor, Is.False);
    }

    [TestCase("/data/deep/er/Actor_24/03-01-08-02-02-02-24.WAV")]
    [TestCase("03-01-08-02-02-02-24")]
    public void TryParse_FolderExtensionOrCase_DoNotMatter(string path)
    {
        Assert.That(RavdessFileName.TryParse(path, out var name), Is.True);
        Assert.That(name!.Actor, Is.EqualTo(24));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("notes.wav")]
    [TestCase("03-01-06-01-02-01.wav")] // six fields
    [TestCase("03-01-06-01-02-01-12-01.wav")] // eight fields
    [TestCase("3-01-06-01-02-01-12.wav")] // one digit
    [TestCase("03-01-06-01-02-01-012.wav")] // three digits
    [TestCase("03-01-+6-01-02-01-12.wav")] // sign
    [TestCase("03-01-0x-01-02-01-12.wav")] // not a number
    [TestCase("04-01-06-01-02-01-12.wav")] // modality out of range
    [TestCase("03-03-06-01-02-01-12.wav")] // vocal channel
    [TestCase("03-01-00-01-02-01-12.wav")] // emotion 00
    [TestCase("03-01-09-01-02-01-12.wav")] // emotion 09
    [TestCase("03-01-06-03-02-01-12.wav")] // intensity
    [TestCase("03-01-06-01-03-01-12.wav")] // statement
    [TestCase("03-01-06-01-02-03-12.wav")] // repetition
    [TestCase("03-01-06-01-02-01-00.wav")] // actor 00
    [TestCase("03-01-06-01-02-01-25.wav")] // actor 25
    [TestCase("03-01-01-02-01-01-01.wav")] // strong neutral does not exist
    [TestCase("03_01_06_01_02_01_12.wav")] // wrong separator
    public void TryParse_NotARavdessName_ReturnsFalseAndNull(string? path)
    {
        Assert.That(RavdessFileName.TryParse(path, out var name), Is.False);
        Assert.That(name, Is.Null);
    }
}
