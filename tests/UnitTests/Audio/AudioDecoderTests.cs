using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

public sealed class AudioDecoderTests
{
    /// <summary>Records what reaches the external decoder and answers with a fixed WAV image.</summary>
    private sealed class RecordingDecoder(byte[] answer) : IExternalAudioDecoder
    {
        public List<AudioFormat> Formats { get; } = [];

        public ReadOnlyMemory<byte> DecodeToWav(ReadOnlyMemory<byte> audio, AudioFormat format, AudioLimits limits, CancellationToken ct)
        {
            Formats.Add(format);
            return answer;
        }
    }

    private static readonly byte[] StereoFloatWav =
        new WavBuilder().Format(3, 2, 48000, 32).Data(WavBuilder.Floats(0.25f, 0.75f, -1f, 0f)).Build();

    [Test]
    public void Decode_Wav_ReadInProcess_SameAsTheWavReader()
    {
        var external = new RecordingDecoder(StereoFloatWav);
        var wav = File.ReadAllBytes(TestData.GoldenWav("speech_22050_s16.wav"));

        var clip = new AudioDecoder(external, new AudioLimits()).Decode(wav);

        Assert.That(clip.Samples, Is.EqualTo(WavReader.Read(wav).Samples));
        Assert.That(external.Formats, Is.Empty);
    }

    [Test]
    public void Decode_Aiff_ReadInProcess()
    {
        var external = new RecordingDecoder(StereoFloatWav);
        var aiff = File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "fuzz", "seeds", "speech.aiff"));

        var clip = new AudioDecoder(external, new AudioLimits()).Decode(aiff);

        Assert.That(clip.SampleRateHz, Is.EqualTo(22050));
        Assert.That(external.Formats, Is.Empty);
    }

    [Test]
    public void Decode_Compressed_GoesToTheExternalDecoderAndIsAveragedToMono()
    {
        var external = new RecordingDecoder(StereoFloatWav);

        var clip = new AudioDecoder(external, new AudioLimits()).Decode("OggS\0\u0002 the rest of a page"u8.ToArray());

        Assert.That(external.Formats, Is.EqualTo(new[] { AudioFormat.Ogg }));
        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f, -0.5f }));
        Assert.That(clip.SampleRateHz, Is.EqualTo(48000));
    }

    [Test]
    public void Decode_Empty_InvalidSayingSo()
    {
        var decoder = new AudioDecoder(new RecordingDecoder(StereoFloatWav), new AudioLimits());

        Assert.That(() => decoder.Decode(Array.Empty<byte>()), Throws.TypeOf<InvalidAudioException>().With.Message.StartsWith("The audio is empty (0 bytes)"));
    }

    [Test]
    public void Decode_UnknownBytes_InvalidNamingThemAndTheFormatsWeRead()
    {
        var external = new RecordingDecoder(StereoFloatWav);
        var decoder = new AudioDecoder(external, new AudioLimits());

        Assert.That(() => decoder.Decode("<html>"u8.ToArray()),
            Throws.TypeOf<InvalidAudioException>().With.Message.Contains("3C 68 74 6D 6C 3E").And.Message.Contains(AudioFormats.Supported));
        Assert.That(external.Formats, Is.Empty, "unrecognised bytes never reach the child process");
    }

    [Test]
    public void Decode_WavLongerThanTheLimit_RefusedBeforeItsSamplesAreAllocated()
    {
        var decoder = new AudioDecoder(new RecordingDecoder(StereoFloatWav), new AudioLimits { MaxSeconds = 1 });
        var wav = WavBuilder.MonoPcm16(100, new short[101]);

        Assert.That(() => decoder.Decode(wav), Throws.TypeOf<InvalidAudioException>().With.Message.Contains("longer than the limit of 1 s"));
        Assert.That(decoder.Decode(WavBuilder.MonoPcm16(100, new short[100])).Samples, Has.Length.EqualTo(100));
    }

    [Test]
    public void Decode_WavOverTheSampleLimit_Refused()
    {
        var decoder = new AudioDecoder(new RecordingDecoder(StereoFloatWav), new AudioLimits { MaxOutputSamples = 10 });
        var stereo = new WavBuilder().Format(1, 2, 8000, 16).Data(WavBuilder.Int16s(new short[12])).Build();

        Assert.That(() => decoder.Decode(stereo), Throws.TypeOf<InvalidAudioException>());
    }

    [Test]
    public void MaxFrames_IsTheSmallerOfDurationAndSampleBudget()
    {
        var limits = new AudioLimits { MaxSeconds = 60, MaxOutputSamples = 1_000_000 };

        Assert.That(limits.MaxFrames(8000, 1), Is.EqualTo(480_000));
        Assert.That(limits.MaxFrames(48000, 2), Is.EqualTo(500_000));
    }
}
