using System.Text.Json;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

public sealed class WavReaderTests
{
    private static void AssertInvalid(byte[] wav, string expectedMessage) =>
        Assert.That(() => WavReader.Read(wav), Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo(expectedMessage));

    // ---------------------------------------------------------------- decoding and scaling

    [Test]
    public void Read_Pcm16Mono_ScalesByTwoToThe15()
    {
        var clip = WavReader.Read(WavBuilder.MonoPcm16(16000, 0, 16384, -32768, 32767));

        Assert.That(clip.SampleRateHz, Is.EqualTo(16000));
        Assert.That(clip.Samples, Is.EqualTo(new[] { 0f, 0.5f, -1f, 32767f / 32768f }));
    }

    [Test]
    public void Read_Pcm16Mono_EveryValueIsItsDoubleQuotientRoundedToFloat32()
    {
        var values = Enumerable.Range(short.MinValue, 65536).Select(v => (short)v).ToArray();

        var clip = WavReader.Read(WavBuilder.MonoPcm16(16000, values));

        Assert.That(clip.Samples, Is.EqualTo(values.Select(v => (float)(v / 32768.0)).ToArray()));
    }

    [Test]
    public void Read_Pcm16ThreeChannels_SumsInFloat32ThenDivides()
    {
        short[] frames = [1, -7, 32767, -32768, 3, 12345];
        var wav = new WavBuilder().Format(1, 3, 16000, 16).Data(WavBuilder.Int16s(frames)).Build();

        var clip = WavReader.Read(wav);

        float Scaled(short v) => (float)(v / 32768.0);
        Assert.That(clip.Samples, Is.EqualTo(new[]
        {
            (Scaled(1) + Scaled(-7) + Scaled(32767)) / 3f,
            (Scaled(-32768) + Scaled(3) + Scaled(12345)) / 3f,
        }));
    }

    [Test]
    public void Read_PcmU8_CentresOn128()
    {
        var wav = new WavBuilder().Format(1, 1, 8000, 8).Data([0, 128, 255, 64]).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { -1f, 0f, 127f / 128f, -0.5f }));
    }

    [Test]
    public void Read_Pcm24_SignExtendsAndScalesByTwoToThe23()
    {
        var wav = new WavBuilder().Format(1, 1, 16000, 24).Data(WavBuilder.Int24s(0, 4194304, -8388608, 8388607, -1)).Build();

        Assert.That(WavReader.Read(wav).Samples,
            Is.EqualTo(new[] { 0f, 0.5f, -1f, 8388607f / 8388608f, -1f / 8388608f }));
    }

    [Test]
    public void Read_Pcm32_ScalesByTwoToThe31RoundedToFloat32()
    {
        var wav = new WavBuilder().Format(1, 1, 16000, 32).Data(WavBuilder.Int32s(0, 1 << 30, int.MinValue, int.MaxValue, 123456789)).Build();

        Assert.That(WavReader.Read(wav).Samples,
            Is.EqualTo(new[] { 0f, 0.5f, -1f, (float)(int.MaxValue / 2147483648.0), (float)(123456789 / 2147483648.0) }));
    }

    [Test]
    public void Read_Float32_KeepsValuesAsStored()
    {
        var wav = new WavBuilder().Format(3, 1, 44100, 32).Data(WavBuilder.Floats(0.25f, -1.5f, 1e-7f)).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { 0.25f, -1.5f, 1e-7f }));
    }

    [Test]
    public void Read_Float64_RoundsToFloat32()
    {
        var wav = new WavBuilder().Format(3, 1, 44100, 64).Data(WavBuilder.Doubles(0.1, -0.75)).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { (float)0.1, -0.75f }));
    }

    [Test]
    public void Read_ExtensiblePcm24_DecodesBySubFormat()
    {
        var wav = new WavBuilder().Format(0xFFFE, 1, 48000, 24, subFormat: 1).Data(WavBuilder.Int24s(4194304, -4194304)).Build();

        var clip = WavReader.Read(wav);

        Assert.That(clip.SampleRateHz, Is.EqualTo(48000));
        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f, -0.5f }));
    }

    [Test]
    public void Read_ExtensibleFloat_DecodesBySubFormat()
    {
        var wav = new WavBuilder().Format(0xFFFE, 1, 48000, 32, subFormat: 3).Data(WavBuilder.Floats(0.125f, -0.25f)).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { 0.125f, -0.25f }));
    }

    [Test]
    public void Read_Stereo_AveragesChannelsInFloat32()
    {
        // Frames are (left, right); the mean is a float32 sum halved, like numpy's float32 mean.
        var wav = new WavBuilder().Format(1, 2, 16000, 16).Data(WavBuilder.Int16s(16384, 0, -32768, 32767, 1, 2)).Build();

        var clip = WavReader.Read(wav);

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.25f, (-1f + 32767f / 32768f) / 2f, (1f / 32768f + 2f / 32768f) / 2f }));
    }

    [Test]
    public void Read_ThreeFloatChannels_SumsInFloat32ThenDivides()
    {
        float a = 0.1f, b = 0.2f, c = 0.3f;
        var wav = new WavBuilder().Format(3, 3, 22050, 32).Data(WavBuilder.Floats(a, b, c)).Build();

        var expected = (a + b + c) / 3f;

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void Read_UnknownChunksWithOddSizes_AreSkippedWithPadByte()
    {
        var wav = new WavBuilder()
            .Chunk("JUNK", [1, 2, 3])
            .Format(1, 1, 22050, 16)
            .Chunk("LIST", System.Text.Encoding.ASCII.GetBytes("INFOISFT\u0005\0\0\0Lavf\0"))
            .Chunk("bext", new byte[7])
            .Data(WavBuilder.Int16s(100, -100))
            .Chunk("_PMX", [9])
            .Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { 100f / 32768f, -100f / 32768f }));
    }

    [Test]
    public void Read_DataChunkBeforeFmt_IsStillDecoded()
    {
        var wav = new WavBuilder().Data(WavBuilder.Int16s(8192)).Format(1, 1, 8000, 16).Build();

        Assert.That(WavReader.Read(wav).Samples, Is.EqualTo(new[] { 0.25f }));
    }

    [Test]
    public void Read_DataChunkClaimingMoreThanPresent_YieldsTheBytesPresent()
    {
        var wav = new WavBuilder().Format(1, 1, 16000, 16).TruncatedChunk("data", WavBuilder.Int16s(1, 2, 3), declaredSize: 4000).Build();

        Assert.That(WavReader.Read(wav).Samples, Has.Length.EqualTo(3));
    }

    [Test]
    public void Read_DataChunkClaimingFourGigabytes_DoesNotAllocateFromTheClaim()
    {
        var wav = new WavBuilder().Format(1, 1, 16000, 16).TruncatedChunk("data", WavBuilder.Int16s(1, 2), declaredSize: uint.MaxValue).Build();

        Assert.That(WavReader.Read(wav).Samples, Has.Length.EqualTo(2));
    }

    [Test]
    public void Read_TrailingPartialFrame_IsDropped()
    {
        var wav = new WavBuilder().Format(1, 2, 16000, 16).Data([0, 0, 0, 0, 1, 2, 3]).Build();

        Assert.That(WavReader.Read(wav).Samples, Has.Length.EqualTo(1));
    }

    [Test]
    public void Read_StreamWithinLimit_Decodes()
    {
        var bytes = WavBuilder.MonoPcm16(16000, 1, 2, 3);

        var clip = WavReader.Read(new MemoryStream(bytes), maxBytes: bytes.Length);

        Assert.That(clip.Samples, Has.Length.EqualTo(3));
    }

    [Test]
    public void Read_StreamLargerThanLimit_IsRefused()
    {
        var bytes = WavBuilder.MonoPcm16(16000, 1, 2, 3);

        Assert.That(() => WavReader.Read(new MemoryStream(bytes), maxBytes: bytes.Length - 1),
            Throws.TypeOf<InvalidAudioException>().With.Message.EqualTo($"Audio is larger than {bytes.Length - 1} bytes."));
    }

    [Test]
    public void DurationSeconds_IsSamplesOverRate()
    {
        Assert.That(new AudioClip(new float[22050 * 3], 22050).DurationSeconds, Is.EqualTo(3.0).Within(1e-12));
    }

    // ---------------------------------------------------------------- malformed input: one exception type, a specific message

    [Test]
    public void Read_ShorterThanHeader_IsInvalid() =>
        AssertInvalid("RIFF"u8.ToArray(), "Not a WAV file: 4 bytes is shorter than the 12-byte RIFF header.");

    [Test]
    public void Read_NotRiff_IsInvalid() =>
        AssertInvalid(new WavBuilder { RiffId = "RIFX" }.Format(1, 1, 8000, 16).Data(WavBuilder.Int16s(1)).Build(),
            "Not a WAV file: it does not start with 'RIFF'.");

    [Test]
    public void Read_RiffButNotWave_IsInvalid() =>
        AssertInvalid(new WavBuilder { FormType = "AVI " }.Format(1, 1, 8000, 16).Data(WavBuilder.Int16s(1)).Build(),
            "Not a WAV file: the RIFF form type is 'AVI ', not 'WAVE'.");

    [Test]
    public void Read_NoFmtChunk_IsInvalid() =>
        AssertInvalid(new WavBuilder().Data(WavBuilder.Int16s(1)).Build(), "Invalid WAV file: no 'fmt ' chunk.");

    [Test]
    public void Read_NoDataChunk_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 1, 8000, 16).Chunk("LIST", new byte[4]).Build(), "Invalid WAV file: no 'data' chunk.");

    [Test]
    public void Read_FmtChunkTooShort_IsInvalid() =>
        AssertInvalid(new WavBuilder().Chunk("fmt ", new byte[14]).Data(WavBuilder.Int16s(1)).Build(),
            "Invalid WAV file: the 'fmt ' chunk has 14 bytes, fewer than the 16 required.");

    [Test]
    public void Read_ExtensibleFmtTooShort_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(0xFFFE, 1, 8000, 16).Data(WavBuilder.Int16s(1)).Build(),
            "Invalid WAV file: the WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has 16 bytes, fewer than the 40 required.");

    [Test]
    public void Read_ExtensibleWithUnknownGuid_IsInvalid()
    {
        var wav = new WavBuilder().Format(0xFFFE, 1, 8000, 16, subFormat: 1).Data(WavBuilder.Int16s(1)).Build();
        wav[12 + 8 + 24 + 15] ^= 0xFF; // corrupt the last byte of the SubFormat GUID

        AssertInvalid(wav, "Unsupported WAV encoding: WAVE_FORMAT_EXTENSIBLE with an unknown SubFormat GUID.");
    }

    [Test]
    public void Read_ZeroChannels_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 0, 8000, 16, blockAlign: 2).Data(WavBuilder.Int16s(1)).Build(),
            "Invalid WAV file: zero channels.");

    [Test]
    public void Read_ZeroSampleRate_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 1, 0, 16).Data(WavBuilder.Int16s(1)).Build(), "Invalid WAV file: zero sample rate.");

    [Test]
    public void Read_ALaw_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(6, 1, 8000, 8).Data([1, 2]).Build(),
            "Unsupported WAV encoding: A-law (format 0x0006); use PCM or IEEE float.");

    [Test]
    public void Read_MuLaw_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(7, 1, 8000, 8).Data([1, 2]).Build(),
            "Unsupported WAV encoding: µ-law (format 0x0007); use PCM or IEEE float.");

    [Test]
    public void Read_MicrosoftAdpcm_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(2, 1, 8000, 4, blockAlign: 256).Data(new byte[256]).Build(),
            "Unsupported WAV encoding: ADPCM (format 0x0002); use PCM or IEEE float.");

    [Test]
    public void Read_ImaAdpcm_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(0x11, 1, 8000, 4, blockAlign: 256).Data(new byte[256]).Build(),
            "Unsupported WAV encoding: ADPCM (format 0x0011); use PCM or IEEE float.");

    [Test]
    public void Read_Mp3InWav_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(0x55, 1, 8000, 0, blockAlign: 1).Data(new byte[16]).Build(),
            "Unsupported WAV encoding: format 0x0055; use PCM or IEEE float.");

    [Test]
    public void Read_ExtensibleALaw_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(0xFFFE, 1, 8000, 8, subFormat: 6).Data([1, 2]).Build(),
            "Unsupported WAV encoding: A-law (format 0x0006); use PCM or IEEE float.");

    [Test]
    public void Read_Pcm12Bits_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(1, 1, 8000, 12, blockAlign: 2).Data(new byte[4]).Build(),
            "Unsupported WAV encoding: PCM with 12 bits per sample.");

    [Test]
    public void Read_Float16Bits_IsUnsupported() =>
        AssertInvalid(new WavBuilder().Format(3, 1, 8000, 16).Data(new byte[4]).Build(),
            "Unsupported WAV encoding: IEEE float with 16 bits per sample.");

    [Test]
    public void Read_BlockAlignInconsistentWithBits_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 2, 8000, 16, blockAlign: 2).Data(new byte[8]).Build(),
            "Invalid WAV file: block align 2 does not match 2 channel(s) × 16 bits (4 bytes).");

    [Test]
    public void Read_EmptyDataChunk_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 1, 8000, 16).Data([]).Build(),
            "Invalid WAV file: the 'data' chunk holds no complete sample frame (0 bytes).");

    [Test]
    public void Read_DataShorterThanOneFrame_IsInvalid() =>
        AssertInvalid(new WavBuilder().Format(1, 2, 8000, 24).Data([1, 2, 3, 4, 5]).Build(),
            "Invalid WAV file: the 'data' chunk holds no complete sample frame (5 bytes).");

    [Test]
    public void Read_ChunkHeaderCutShort_IsInvalidWhenNoDataFollows() =>
        AssertInvalid(new WavBuilder().Format(1, 1, 8000, 16).Build().Concat("da"u8.ToArray()).ToArray(),
            "Invalid WAV file: no 'data' chunk.");

    // ---------------------------------------------------------------- the golden files

    [TestCaseSource(typeof(TestData), nameof(TestData.GoldenWavNames))]
    public void ReadFile_GoldenWav_MatchesSoundfileFramesRateAndFirstSamples(string wavName)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.GoldenJson(wavName)));
        var file = json.RootElement.GetProperty("file");
        var first8 = json.RootElement.GetProperty("variants").GetProperty("native/full/constant")
            .GetProperty("stats").GetProperty("signal_first8").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        var clip = WavReader.ReadFile(TestData.GoldenWav(wavName));

        Assert.That(clip.SampleRateHz, Is.EqualTo(file.GetProperty("samplerate").GetInt32()));
        Assert.That(clip.Samples, Has.Length.EqualTo(file.GetProperty("frames").GetInt32()));
        Assert.That(clip.Samples.Take(8).ToArray(), Is.EqualTo(first8));
    }
}
