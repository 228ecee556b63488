using System.Security.Cryptography;
using System.Text;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// The condition benchmark and the training distribution. (Not named <c>Conditions</c>: inside
/// <c>EmotionRecognition.Trainer</c> that name resolves to this namespace, not to a class in it.)
/// </summary>
internal static class RecordingConditions
{
    /// <summary>
    /// The fixed benchmark, clean not included (the caller scores clean itself). SNRs from 30 dB (barely audible) to
    /// 5 dB (hard to follow), levels to −40 dB, the two telephone laws, the codecs users send, two rooms, and the
    /// faults of cheap inputs; one condition per realistic situation rather than a grid, so the table stays readable.
    /// </summary>
    public static IReadOnlyList<Condition> Benchmark { get; } =
    [
        new AdditiveNoise(NoiseKind.White, 30),
        new AdditiveNoise(NoiseKind.White, 20),
        new AdditiveNoise(NoiseKind.White, 10),
        new AdditiveNoise(NoiseKind.White, 5),
        new AdditiveNoise(NoiseKind.Pink, 20),
        new AdditiveNoise(NoiseKind.Pink, 10),
        new AdditiveNoise(NoiseKind.Pink, 5),
        new AdditiveNoise(NoiseKind.Brown, 10),
        new AdditiveNoise(NoiseKind.Babble, 20),
        new AdditiveNoise(NoiseKind.Babble, 10),
        new AdditiveNoise(NoiseKind.Babble, 5),
        new AdditiveNoise(NoiseKind.Bursts, 10),
        new AdditiveNoise(NoiseKind.Hum, 10),
        new Gain(-10),
        new Gain(-20),
        new Gain(-30),
        new Gain(-40),
        new BandLimit(8000),
        new BandLimit(16000),
        new Companding(CompandingLaw.MuLaw),
        new Companding(CompandingLaw.ALaw),
        new LossyCodec(LossyFormat.Mp3, 32),
        new LossyCodec(LossyFormat.Opus, 16),
        new RoomEcho(0.3),
        new RoomEcho(0.7),
        new Clipping(12),
        new DcOffset(0.05),
        new Padding(1.5, 1.0, BackgroundBelowSpeechDb: 30),
        new Padding(2.0, 2.0, BackgroundBelowSpeechDb: null),
    ];

    /// <summary>
    /// One training condition: a family drawn uniformly, then a strength drawn uniformly over a range that covers the
    /// benchmark's and goes a little past it (SNR 0–35 dB, gain 0 to −45 dB, RT60 0.2–1.0 s), so the benchmark's
    /// strengths are inside the training distribution but its exact draws never are (the seeds differ by role). A
    /// quarter of the noise draws are followed by a gain: noisy rooms and quiet microphones come together.
    /// Strengths are rounded to the precision the names print, so a name always says exactly what was applied.
    /// </summary>
    /// <param name="withCodecs">False leaves out the ffmpeg codecs (two processes per clip) where their cost does not pay.</param>
    public static Condition Draw(Random random, bool withCodecs = true)
    {
        var families = withCodecs ? 11 : 10;
        switch (random.Next(families))
        {
            case 0:
                var noise = new AdditiveNoise((NoiseKind)random.Next(6), Round(Uniform(random, 0, 35), 1));
                return random.Next(4) == 0 ? new Chain(noise, DrawGain(random)) : noise;
            case 1:
                return DrawGain(random);
            case 2:
                return new BandLimit(random.Next(2) == 0 ? 8000 : 16000);
            case 3:
                return new Companding(random.Next(2) == 0 ? CompandingLaw.MuLaw : CompandingLaw.ALaw);
            case 4:
                return new RoomEcho(Round(Uniform(random, 0.2, 1.0), 2), Round(Uniform(random, -3, 10), 1));
            case 5:
                return new Clipping(Round(Uniform(random, 3, 18), 1), Soft: random.Next(2) == 0);
            case 6:
                return new DcOffset(Round(Uniform(random, -0.1, 0.1), 3));
            case 7:
                return new Padding(Round(Uniform(random, 0, 2), 2), Round(Uniform(random, 0, 2), 2), Round(Uniform(random, 20, 50), 1));
            case 8:
                return new Padding(Round(Uniform(random, 0, 2), 2), Round(Uniform(random, 0, 2), 2), null);
            case 9:
                // Several noises beside the other families: noise is what breaks the models most.
                return new AdditiveNoise((NoiseKind)random.Next(6), Round(Uniform(random, 0, 35), 1));
            default:
                return random.Next(2) == 0
                    ? new LossyCodec(LossyFormat.Mp3, random.Next(3) switch { 0 => 24, 1 => 32, _ => 64 })
                    : new LossyCodec(LossyFormat.Opus, random.Next(3) switch { 0 => 12, 1 => 16, _ => 32 });
        }
    }

    /// <summary>
    /// A stable seed: the first four bytes (little-endian) of SHA-256 over the clip's content hash, the condition's
    /// name and a role, joined by newlines. Role "test" for the benchmark and "train:k" for the k-th training copy keep
    /// training draws from ever repeating the test draws of the same clip and condition.
    /// </summary>
    public static int Seed(string contentHash, string conditionName, string role)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{contentHash}\n{conditionName}\n{role}"));
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(digest);
    }

    private static Gain DrawGain(Random random) => new(Round(Uniform(random, -45, 0), 1));

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
