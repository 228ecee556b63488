using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>The two companding laws of ITU-T G.711 (telephone networks: µ-law in North America and Japan, A-law elsewhere).</summary>
internal enum CompandingLaw
{
    MuLaw,
    ALaw,
}

/// <summary>
/// G.711 8-bit companding of 16-bit PCM, the segment-and-mantissa formulas of the standard (as in the reference
/// g711.c): µ-law works on 14-bit magnitudes with a bias of 33 and eight segments of 16 steps each, A-law on
/// 13-bit magnitudes with a linear first two segments; every other code bit of A-law is inverted (XOR 0x55).
/// </summary>
internal static class G711
{
    private static readonly int[] MuLawSegmentEnds = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];
    private static readonly int[] ALawSegmentEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];

    public static byte Encode(short pcm, CompandingLaw law) => law == CompandingLaw.MuLaw ? EncodeMuLaw(pcm) : EncodeALaw(pcm);

    public static short Decode(byte code, CompandingLaw law) => law == CompandingLaw.MuLaw ? DecodeMuLaw(code) : DecodeALaw(code);

    public static byte EncodeMuLaw(short pcm)
    {
        const int bias = 0x84 >> 2, clip = 8159;
        var value = pcm >> 2;
        var mask = 0xFF;
        if (value < 0)
        {
            value = -value;
            mask = 0x7F;
        }
        value = Math.Min(value, clip) + bias;
        var segment = Segment(value, MuLawSegmentEnds);
        var code = segment >= 8 ? 0x7F : (segment << 4) | ((value >> (segment + 1)) & 0xF);
        return (byte)(code ^ mask);
    }

    public static short DecodeMuLaw(byte code)
    {
        const int bias = 0x84;
        var u = ~code & 0xFF;
        var t = (((u & 0x0F) << 3) + bias) << ((u & 0x70) >> 4);
        return (short)((u & 0x80) != 0 ? bias - t : t - bias);
    }

    public static byte EncodeALaw(short pcm)
    {
        var value = pcm >> 3;
        int mask;
        if (value >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            value = -value - 1;
        }
        var segment = Segment(value, ALawSegmentEnds);
        if (segment >= 8)
            return (byte)(0x7F ^ mask);
        var code = (segment << 4) | ((segment < 2 ? value >> 1 : value >> segment) & 0x0F);
        return (byte)(code ^ mask);
    }

    public static short DecodeALaw(byte code)
    {
        var a = code ^ 0x55;
        var t = (a & 0x0F) << 4;
        var segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }

    private static int Segment(int value, int[] ends)
    {
        for (var i = 0; i < ends.Length; i++)
            if (value <= ends[i])
                return i;
        return ends.Length;
    }
}

/// <summary>
/// A telephone call: the clip at 8 kHz, each sample to a 16-bit code, through G.711 encode and decode, and back to
/// the clip's rate: the telephone band plus companding's level-dependent quantisation noise.
/// </summary>
internal sealed record Companding(CompandingLaw Law) : Condition(Law == CompandingLaw.MuLaw ? "telephone µ-law 8 kHz" : "telephone A-law 8 kHz")
{
    public const int RateHz = 8000;

    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others) =>
        new(BandLimit.ThroughRate(clean, RateHz, RoundTrip), clean.SampleRateHz);

    private float[] RoundTrip(float[] samples)
    {
        var output = new float[samples.Length];
        for (var i = 0; i < samples.Length; i++)
            output[i] = G711.Decode(G711.Encode(Pcm16.ToCode(samples[i]), Law), Law) / 32768f;
        return output;
    }
}
