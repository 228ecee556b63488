using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Audio;

/// <summary>The ffmpeg child process behind <see cref="AudioDecoder"/>: exact for lossless input, and bounded.</summary>
[TestFixture]
public sealed class FfmpegAudioDecoderTests
{
    private static readonly AudioDecoder Decoder = AudioDecoding.Create(new AudioLimits());

    public static IEnumerable<AudioEncoding> Encodings() => AudioEncoding.All;

    public static IEnumerable<AudioEncoding> LosslessEncodings() => AudioEncoding.All.Where(e => e.Lossless);

    [TestCaseSource(nameof(LosslessEncodings))]
    public void Decode_Lossless_BitIdenticalToTheWav(AudioEncoding encoding)
    {
        var expected = WavReader.Read(EncodedAudio.SourceWav);

        var clip = Decoder.Decode(EncodedAudio.Encode(encoding));

        Assert.That(clip.SampleRateHz, Is.EqualTo(expected.SampleRateHz));
        Assert.That(clip.Samples, Is.EqualTo(expected.Samples));
    }

    [TestCase("tone_16000_s24.wav", "-c:a flac")]
    [TestCase("stereo_16000_s16.wav", "-c:a flac")]
    [TestCase("tone_44100_s16_listchunk.wav", "-c:a flac")]
    [TestCase("stereo_16000_s16.wav", "-c:a pcm_s16be -f aiff")]
    [TestCase("tone_16000_s24.wav", "-c:a pcm_s24be -f aiff")]
    [TestCase("tone_16000_s32.wav", "-c:a pcm_s32be -f aiff")]
    [TestCase("tone_16000_f32.wav", "-c:a pcm_f32be -f aiff")]
    public void Decode_LosslessGolden_BitIdenticalToTheWav(string golden, string encoder)
    {
        var source = Path.Combine(GoldenWavs.Folder, golden);

        var clip = Decoder.Decode(EncodedAudio.Encode(source, encoder, encoder.Contains("aiff") ? ".aiff" : ".flac"));

        Assert.That(clip.Samples, Is.EqualTo(WavReader.Read(File.ReadAllBytes(source)).Samples));
    }

    [TestCaseSource(nameof(Encodings))]
    public void Decode_EachFormat_MonoAtItsNativeRateAsLongAsTheSource(AudioEncoding encoding)
    {
        var source = WavReader.Read(EncodedAudio.SourceWav);

        var clip = Decoder.Decode(EncodedAudio.Encode(encoding));

        // Opus always decodes at 48 kHz; everything else keeps the source's rate.
        var rate = encoding.Name.Contains("Opus") ? 48000 : source.SampleRateHz;
        Assert.That(clip.SampleRateHz, Is.EqualTo(rate));
        // Encoder delay and padding add at most a few frames (AAC: 1024 + a frame, MP3: 1105 + a frame).
        Assert.That(clip.DurationSeconds, Is.EqualTo(source.DurationSeconds).Within(0.15));
        Assert.That(clip.Samples.All(float.IsFinite), Is.True);
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty, "no decoder outlives its call");
    }

    [Test]
    public void Decode_M4aWithItsIndexAfterTheAudio_DecodesAndLeavesNoTempFile()
    {
        // ffmpeg's MP4 muxer writes 'moov' after 'mdat' unless told to move it; past its probe buffer a pipe cannot reach it.
        var m4a = EncodedAudio.Encode("-f lavfi -i anoisesrc=r=22050:a=0.1:d=55", "-c:a aac -b:a 64k", ".m4a");
        Assert.That(m4a.AsSpan().IndexOf("moov"u8), Is.GreaterThan(m4a.AsSpan().IndexOf("mdat"u8)));

        var clip = Decoder.Decode(m4a);

        Assert.That(clip.DurationSeconds, Is.EqualTo(55).Within(0.1));
        Assert.That(Directory.GetFiles(Path.GetTempPath(), "emotion-decode-*"), Is.Empty);
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty);
    }

    [Test]
    public void Decode_TenMinutesOfLowBitrateMp3_StoppedAtTheLimitQuickly()
    {
        var mp3 = EncodedAudio.Encode("-f lavfi -i anoisesrc=r=8000:a=0.1:d=600", "-ac 1 -c:a libmp3lame -b:a 8k", ".mp3");
        Assert.That(mp3.Length, Is.LessThan(1_000_000), "a small file");
        var watch = Stopwatch.StartNew();

        Assert.That(() => Decoder.Decode(mp3), Throws.TypeOf<InvalidAudioException>().With.Message.Contains("longer than the limit of 60 s"));

        // Decoding all ten minutes takes several times longer than stopping at one; the bound is generous for a shared machine.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)));
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty, "the decoder is killed when the limit is reached");
    }

    [Test]
    public void Decode_DecoderThatHangs_KilledAtTheDeadline()
    {
        using var folder = new TempFolder("hang");
        var script = folder.Combine("hang.sh");
        File.WriteAllText(script, "#!/bin/sh\nexec sleep 60\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var decoder = new AudioDecoder(new FfmpegAudioDecoder(script), new AudioLimits { DecodeTimeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();

        Assert.That(() => decoder.Decode(EncodedAudio.Encode(AudioEncoding.All.First(e => e.Name == "Mp3"))),
            Throws.TypeOf<InvalidAudioException>().With.Message.Contains("took longer than 1 s"));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty, "the hung decoder is killed and reaped");
    }

    [Test]
    public void Decode_DecoderMissing_InvalidSayingSo()
    {
        var decoder = new AudioDecoder(new FfmpegAudioDecoder("/nonexistent/ffmpeg"), new AudioLimits());

        Assert.That(() => decoder.Decode(File.ReadAllBytes(Path.Combine(GoldenWavs.RepoRoot, "fuzz", "seeds", "speech.mp3"))),
            Throws.TypeOf<InvalidAudioException>().With.Message.Contains("ffmpeg) is not installed"));
    }

    [Test]
    public void Decode_MemoryCapTooSmallForTheDecoder_InvalidNotAHang()
    {
        Assume.That(EncodedAudio.FfmpegInstalled, "ffmpeg is not installed");
        var decoder = new AudioDecoder(new FfmpegAudioDecoder(), new AudioLimits { MaxDecoderMemoryBytes = 8 << 20 });

        Assert.That(() => decoder.Decode(File.ReadAllBytes(Path.Combine(GoldenWavs.RepoRoot, "fuzz", "seeds", "speech.mp3"))),
            Throws.TypeOf<InvalidAudioException>().With.Message.Contains("could not be decoded"));
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty);
    }

    [Test]
    public void Decode_Garbage_InvalidWithTheDecodersReason()
    {
        Assume.That(EncodedAudio.FfmpegInstalled, "ffmpeg is not installed");
        byte[] garbage = [.. "OggS"u8, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251))];

        Assert.That(() => Decoder.Decode(garbage), Throws.TypeOf<InvalidAudioException>().With.Message.StartsWith("The Ogg file"));
        Assert.That(EncodedAudio.LiveChildren(), Is.Empty);
    }
}
