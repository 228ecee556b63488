using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

public sealed class AudioFormatsTests
{
    private static string SeedDirectory => Path.Combine(TestData.RepoRoot, "fuzz", "seeds");

    /// <summary>The fuzz seeds are real encoder output (ffmpeg, sox); the extension says what each one is.</summary>
    [TestCase("speech.mp3", AudioFormat.Mp3)]
    [TestCase("speech_stereo_44k.mp3", AudioFormat.Mp3)]
    [TestCase("speech.m4a", AudioFormat.Mp4)]
    [TestCase("speech.aac", AudioFormat.Aac)]
    [TestCase("speech.ogg", AudioFormat.Ogg)]
    [TestCase("speech.opus", AudioFormat.Ogg)]
    [TestCase("speech.webm", AudioFormat.Matroska)]
    [TestCase("speech.flac", AudioFormat.Flac)]
    [TestCase("speech.aiff", AudioFormat.Aiff)]
    [TestCase("speech_sowt.aifc", AudioFormat.Aiff)]
    [TestCase("speech.rf64", AudioFormat.Rf64)]
    public void Detect_EncoderOutput_NamesItsFormat(string seed, AudioFormat expected)
    {
        Assert.That(AudioFormats.Detect(File.ReadAllBytes(Path.Combine(SeedDirectory, seed))), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.GoldenWavNames))]
    public void Detect_GoldenWav_IsWav(string name)
    {
        Assert.That(AudioFormats.Detect(File.ReadAllBytes(TestData.GoldenWav(name))), Is.EqualTo(AudioFormat.Wav));
    }

    [Test]
    public void Detect_Empty_IsUnknown() => Assert.That(AudioFormats.Detect([]), Is.EqualTo(AudioFormat.Unknown));

    [Test]
    public void Detect_Text_IsUnknown() => Assert.That(AudioFormats.Detect("""{"mfccs":[1,2,3]}"""u8), Is.EqualTo(AudioFormat.Unknown));

    [Test]
    public void Detect_RiffThatIsNotWave_IsUnknown() => Assert.That(AudioFormats.Detect("RIFF\0\0\0\0AVI LIST"u8), Is.EqualTo(AudioFormat.Unknown));

    [Test]
    public void Detect_FormThatIsNotAiff_IsUnknown() => Assert.That(AudioFormats.Detect("FORM\0\0\0\08SVXVHDR"u8), Is.EqualTo(AudioFormat.Unknown));

    [TestCase(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, AudioFormat.Mp3, TestName = "Detect_Mpeg1Layer3Frame_IsMp3")]
    [TestCase(new byte[] { 0xFF, 0xF3, 0x48, 0xC4 }, AudioFormat.Mp3, TestName = "Detect_Mpeg2Layer3Frame_IsMp3")]
    [TestCase(new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, AudioFormat.Aac, TestName = "Detect_AdtsFrame_IsAac")]
    [TestCase(new byte[] { 0xFF, 0xFB, 0xF0, 0x64 }, AudioFormat.Unknown, TestName = "Detect_Mpeg1FrameWithBitrateIndex15_IsUnknown")]
    [TestCase(new byte[] { 0xFF, 0xFB, 0x9C, 0x64 }, AudioFormat.Unknown, TestName = "Detect_Mpeg1FrameWithReservedRate_IsUnknown")]
    [TestCase(new byte[] { 0xFF, 0xEB, 0x90, 0x64 }, AudioFormat.Unknown, TestName = "Detect_ReservedMpegVersion_IsUnknown")]
    [TestCase(new byte[] { 0xFF, 0xF1, 0x7C, 0x80 }, AudioFormat.Unknown, TestName = "Detect_AdtsWithReservedFrequency_IsUnknown")]
    public void Detect_FrameSync(byte[] head, AudioFormat expected)
    {
        Assert.That(AudioFormats.Detect(head), Is.EqualTo(expected));
    }

    [Test]
    public void Detect_Id3TagThenFlac_IsFlac()
    {
        byte[] head = [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, .. "fLaC"u8];

        Assert.That(AudioFormats.Detect(head), Is.EqualTo(AudioFormat.Flac));
    }

    [Test]
    public void Detect_Id3TagThenAdts_IsAac()
    {
        byte[] head = [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xF1, 0x50, 0x80];

        Assert.That(AudioFormats.Detect(head), Is.EqualTo(AudioFormat.Aac));
    }

    [Test]
    public void Detect_Id3TagLargerThanTheInput_IsMp3()
    {
        byte[] head = [.. "ID3"u8, 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F];

        Assert.That(AudioFormats.Detect(head), Is.EqualTo(AudioFormat.Mp3));
    }
}
