using System.Buffers.Binary;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

public sealed class AiffReaderTests
{
    /// <summary>An AIFF (or AIFF-C when <paramref name="compression"/> is given) with one COMM and one SSND chunk.</summary>
    private static byte[] Aiff(int channels, int bits, double rateHz, byte[] frames, string? compression = null, uint ssndOffset = 0, byte[]? extraChunk = null)
    {
        var comm = new List<byte>();
        comm.AddRange(Be16(channels));
        comm.AddRange(Be32((uint)(frames.Length / Math.Max(1, channels * bits / 8))));
        comm.AddRange(Be16(bits));
        comm.AddRange(Extended(rateHz));
        if (compression is not null)
        {
            comm.AddRange(System.Text.Encoding.ASCII.GetBytes(compression));
            comm.AddRange(new byte[] { 0, 0 }); // empty Pascal-string name, padded to even
        }
        var ssnd = new List<byte>();
        ssnd.AddRange(Be32(ssndOffset));
        ssnd.AddRange(Be32(0));
        ssnd.AddRange(new byte[ssndOffset]);
        ssnd.AddRange(frames);

        var body = new List<byte>();
        body.AddRange(System.Text.Encoding.ASCII.GetBytes(compression is null ? "AIFF" : "AIFC"));
        if (extraChunk is not null)
            body.AddRange(extraChunk);
        body.AddRange(Chunk("COMM", comm.ToArray()));
        body.AddRange(Chunk("SSND", ssnd.ToArray()));
        return [.. "FORM"u8, .. Be32((uint)body.Count), .. body];
    }

    private static byte[] Chunk(string id, byte[] body) =>
        [.. System.Text.Encoding.ASCII.GetBytes(id), .. Be32((uint)body.Length), .. body, .. (body.Length % 2 == 1 ? new byte[] { 0 } : [])];

    private static byte[] Be16(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); return b; }

    private static byte[] Be32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }

    /// <summary>A positive integer rate as an 80-bit extended float.</summary>
    private static byte[] Extended(double value)
    {
        var exponent = (int)Math.Floor(Math.Log2(value));
        var mantissa = (ulong)(value / Math.Pow(2, exponent) * Math.Pow(2, 63));
        var b = new byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)(exponent + 16383));
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(2), mantissa);
        return b;
    }

    private static byte[] Int16sBe(params short[] values) => values.SelectMany(v => Be16(v)).ToArray();

    [Test]
    public void Read_Pcm16BigEndian_SameSamplesAsTheWavReader()
    {
        short[] values = [0, 16384, -32768, 32767, -1];

        var aiff = AiffReader.Read(Aiff(1, 16, 22050, Int16sBe(values)));
        var wav = WavReader.Read(WavBuilder.MonoPcm16(22050, values));

        Assert.That(aiff.Samples, Is.EqualTo(wav.Samples));
        Assert.That(aiff.SampleRateHz, Is.EqualTo(22050));
    }

    [Test]
    public void Read_Pcm8_IsSigned()
    {
        var clip = AiffReader.Read(Aiff(1, 8, 8000, [0x80, 0x00, 0x7F, 0xC0]));

        Assert.That(clip.Samples, Is.EqualTo(new[] { -1f, 0f, 127f / 128f, -0.5f }));
    }

    [Test]
    public void Read_Pcm24BigEndian_SignExtends()
    {
        var clip = AiffReader.Read(Aiff(1, 24, 16000, [0x80, 0x00, 0x00, 0x40, 0x00, 0x00, 0xFF, 0xFF, 0xFF]));

        Assert.That(clip.Samples, Is.EqualTo(new[] { -1f, 0.5f, -1f / 8388608f }));
    }

    [Test]
    public void Read_Pcm32BigEndian_DividesBy2To31()
    {
        var clip = AiffReader.Read(Aiff(1, 32, 16000, [.. Be32(0x40000000), .. Be32(0x80000000)]));

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f, -1f }));
    }

    [Test]
    public void Read_StereoFrames_AveragedAsTheWavReaderDoes()
    {
        short[] interleaved = [1000, 3000, -32768, 32767, 7, 8];

        var aiff = AiffReader.Read(Aiff(2, 16, 44100, Int16sBe(interleaved)));
        var wav = WavReader.Read(new WavBuilder().Format(1, 2, 44100, 16).Data(WavBuilder.Int16s(interleaved)).Build());

        Assert.That(aiff.Samples, Is.EqualTo(wav.Samples));
        Assert.That(aiff.Samples, Has.Length.EqualTo(3));
    }

    [Test]
    public void Read_AifcSowt_IsLittleEndianPcm()
    {
        var clip = AiffReader.Read(Aiff(1, 16, 16000, WavBuilder.Int16s(16384, -16384), "sowt"));

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f, -0.5f }));
    }

    [Test]
    public void Read_AifcNone_IsBigEndianPcm()
    {
        var clip = AiffReader.Read(Aiff(1, 16, 16000, Int16sBe(16384), "NONE"));

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f }));
    }

    [Test]
    public void Read_AifcFl32_IsBigEndianFloat()
    {
        var frames = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(frames, 0.25f);
        BinaryPrimitives.WriteSingleBigEndian(frames.AsSpan(4), -1.5f);

        Assert.That(AiffReader.Read(Aiff(1, 32, 16000, frames, "fl32")).Samples, Is.EqualTo(new[] { 0.25f, -1.5f }));
    }

    [Test]
    public void Read_AifcFl64_RoundsToFloat32()
    {
        var frames = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(frames, 0.1);

        Assert.That(AiffReader.Read(Aiff(1, 64, 16000, frames, "fl64")).Samples, Is.EqualTo(new[] { (float)0.1 }));
    }

    [TestCase(8000)]
    [TestCase(22050)]
    [TestCase(44100)]
    [TestCase(48000)]
    [TestCase(96000)]
    public void Read_ExtendedSampleRate_IsDecoded(int rateHz)
    {
        Assert.That(AiffReader.Read(Aiff(1, 16, rateHz, Int16sBe(1))).SampleRateHz, Is.EqualTo(rateHz));
    }

    [Test]
    public void Read_SsndOffset_SkipsThePadding()
    {
        Assert.That(AiffReader.Read(Aiff(1, 16, 8000, Int16sBe(16384), ssndOffset: 6)).Samples, Is.EqualTo(new[] { 0.5f }));
    }

    [Test]
    public void Read_OtherChunksFirst_AreSkippedWithTheirPadByte()
    {
        var clip = AiffReader.Read(Aiff(1, 16, 8000, Int16sBe(16384), extraChunk: Chunk("NAME", [(byte)'x'])));

        Assert.That(clip.Samples, Is.EqualTo(new[] { 0.5f }));
    }

    [Test]
    public void Read_SsndClaimsMoreThanPresent_GivesTheFramesPresent()
    {
        var file = Aiff(1, 16, 8000, Int16sBe(1, 2, 3));
        // The SSND size is the last chunk's: claim 4 GiB.
        var ssnd = file.AsSpan().LastIndexOf("SSND"u8);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(ssnd + 4), uint.MaxValue);

        Assert.That(AiffReader.Read(file).Samples, Has.Length.EqualTo(3));
    }

    [Test]
    public void Read_PartialTrailingFrame_IsDropped()
    {
        var clip = AiffReader.Read(Aiff(2, 16, 8000, [.. Int16sBe(1, 2), 0x01]));

        Assert.That(clip.Samples, Has.Length.EqualTo(1));
    }

    [Test]
    public void Read_FramesPastTheLimit_RefusedBeforeDecoding()
    {
        var file = Aiff(1, 16, 1000, new byte[2 * 1001]);

        Assert.That(() => AiffReader.Read(file, new AudioLimits { MaxSeconds = 1 }),
            Throws.TypeOf<InvalidAudioException>().With.Message.Contains("longer than the limit of 1 s"));
        Assert.That(AiffReader.Read(file[..^2], new AudioLimits { MaxSeconds = 1 }).Samples, Has.Length.EqualTo(1000));
    }

    private static void AssertInvalid(byte[] file, string messagePart) =>
        Assert.That(() => AiffReader.Read(file), Throws.TypeOf<InvalidAudioException>().With.Message.Contains(messagePart));

    [Test]
    public void Read_Empty_Invalid() => AssertInvalid([], "FORM");

    [Test]
    public void Read_NoComm_Invalid() => AssertInvalid([.. "FORM"u8, .. Be32(4), .. "AIFF"u8], "no 'COMM'");

    [Test]
    public void Read_NoSsnd_Invalid()
    {
        var file = Aiff(1, 16, 8000, Int16sBe(1));
        var ssnd = file.AsSpan().LastIndexOf("SSND"u8);
        "JUNK"u8.CopyTo(file.AsSpan(ssnd));

        AssertInvalid(file, "no 'SSND'");
    }

    [Test]
    public void Read_ShortComm_Invalid() => AssertInvalid([.. "FORM"u8, .. Be32(14), .. "AIFF"u8, .. Chunk("COMM", new byte[6])], "fewer than the 18 required");

    [Test]
    public void Read_ZeroChannels_Invalid() => AssertInvalid(Aiff(0, 16, 8000, Int16sBe(1)), "zero channels");

    [Test]
    public void Read_ZeroRate_Invalid()
    {
        var file = Aiff(1, 16, 8000, Int16sBe(1));
        var comm = file.AsSpan().IndexOf("COMM"u8);
        file.AsSpan(comm + 8 + 8, 10).Clear();

        AssertInvalid(file, "out of range");
    }

    [Test]
    public void Read_InfiniteRate_Invalid()
    {
        var file = Aiff(1, 16, 8000, Int16sBe(1));
        var comm = file.AsSpan().IndexOf("COMM"u8);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(comm + 8 + 8), 0x7FFF);

        AssertInvalid(file, "out of range");
    }

    [TestCase(12)]
    [TestCase(0)]
    [TestCase(20)]
    public void Read_UnsupportedBitDepth_Invalid(int bits) => AssertInvalid(Aiff(1, bits, 8000, new byte[8]), $"PCM with {bits} bits");

    [Test]
    public void Read_CompressedAifc_InvalidNamingTheCompression() => AssertInvalid(Aiff(1, 16, 8000, new byte[8], "ima4"), "'ima4'");

    [Test]
    public void Read_NoCompleteFrame_Invalid() => AssertInvalid(Aiff(2, 16, 8000, [1, 2]), "no complete sample frame");

    [Test]
    public void Read_SsndOffsetPastTheChunk_Invalid()
    {
        var file = Aiff(1, 16, 8000, Int16sBe(1));
        var ssnd = file.AsSpan().LastIndexOf("SSND"u8);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(ssnd + 8), uint.MaxValue);

        AssertInvalid(file, "no complete sample frame");
    }
}
