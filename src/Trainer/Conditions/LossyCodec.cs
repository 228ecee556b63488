using System.Globalization;
using System.Runtime.InteropServices;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Infrastructure.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>The lossy codecs users' audio arrives in: MP3 from recorders and uploads, Opus from browsers and calls.</summary>
internal enum LossyFormat
{
    Mp3,
    Opus,
}

/// <summary>
/// A lossy codec at a bit rate: encoded by Debian's ffmpeg (libmp3lame, or libopus in Ogg at 48 kHz, Opus's own rate)
/// through pipes, decoded by the product's own decoder entry (<see cref="AudioDecoding.ForLocalFiles"/>, the road an
/// uploaded file takes), resampled back to the clip's rate, and aligned to the input. A piped MP3 carries no LAME
/// header (ffmpeg writes it only to a seekable file), so the decoder cannot trim the encoder's delay; the lag is
/// therefore found by cross-correlation (0 to <see cref="MaxLagSeconds"/>) and removed, and the output cut or
/// zero-padded to the input's length. Costs two ffmpeg processes per clip.
/// </summary>
internal sealed record LossyCodec(LossyFormat Format, int KilobitsPerSecond)
    : Condition(string.Create(CultureInfo.InvariantCulture, $"{(Format == LossyFormat.Mp3 ? "MP3" : "Opus")} {KilobitsPerSecond} kb/s"))
{
    /// <summary>Far beyond either codec's delay (LAME ≈ 1105 samples plus the decoder's 529; Opus's pre-skip is removed by the decoder).</summary>
    public const double MaxLagSeconds = 0.2;

    private const int OpusRateHz = 48000;

    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        if (clean.Samples.Length == 0)
            return new AudioClip([], clean.SampleRateHz);
        var rate = clean.SampleRateHz.ToString(CultureInfo.InvariantCulture);
        var bitRate = $"{KilobitsPerSecond}k";
        string[] arguments = Format == LossyFormat.Mp3
            ? ["-f", "f32le", "-ar", rate, "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitRate, "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "mp3", "pipe:1"]
            : ["-f", "f32le", "-ar", rate, "-ac", "1", "-i", "pipe:0", "-ar", OpusRateHz.ToString(CultureInfo.InvariantCulture), "-c:a", "libopus", "-b:a", bitRate,
               "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", "pipe:1"];
        var pcm = MemoryMarshal.AsBytes(clean.Samples.AsSpan()).ToArray();
        var encoded = FfmpegPipe.Run(arguments, pcm, maxOutputBytes: pcm.LongLength + (1 << 20), purpose: $"The condition '{Name}'");
        var decoded = AudioDecoding.ForLocalFiles.Decode(encoded);
        var back = decoded.SampleRateHz == clean.SampleRateHz
            ? decoded.Samples
            : Resampler.Resample(decoded.Samples, decoded.SampleRateHz, clean.SampleRateHz);
        var lag = Lag(clean.Samples, back, (int)(MaxLagSeconds * clean.SampleRateHz));
        var aligned = new float[clean.Samples.Length];
        if (lag < back.Length)
            back.AsSpan(lag, Math.Min(aligned.Length, back.Length - lag)).CopyTo(aligned);
        return new AudioClip(aligned, clean.SampleRateHz);
    }

    /// <summary>The delay l in [0, maxLag] that maximises Σᵢ x[i]·y[i+l], by FFT: Y·conj(X) transformed back.</summary>
    public static int Lag(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int maxLag)
    {
        var n = Fft.PowerOfTwoAtLeast(x.Length + y.Length);
        double[] xr = new double[n], xi = new double[n], yr = new double[n], yi = new double[n];
        for (var i = 0; i < x.Length; i++)
            xr[i] = x[i];
        for (var i = 0; i < y.Length; i++)
            yr[i] = y[i];
        Fft.Transform(xr, xi, inverse: false);
        Fft.Transform(yr, yi, inverse: false);
        for (var k = 0; k < n; k++)
            (yr[k], yi[k]) = (yr[k] * xr[k] + yi[k] * xi[k], yi[k] * xr[k] - yr[k] * xi[k]);
        Fft.Transform(yr, yi, inverse: true);
        var best = 0;
        for (var l = 1; l <= Math.Min(maxLag, n - 1); l++)
            if (yr[l] > yr[best])
                best = l;
        return best;
    }
}
