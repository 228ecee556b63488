using BenchmarkDotNet.Attributes;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Benchmarks;

/// <summary>
/// One 3.7 s clip through the pipeline on one thread: the compat vector (1.0 s + 2.5 s window)
/// and the full-clip vector, for a 48 kHz clip (cut, resampled to 22 050 Hz, MFCC) and a
/// 22.05 kHz clip (no resampling). Pipelines are built once, as the Api and Trainer do.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FeatureBenchmarks
{
    private readonly FeaturePipeline _compat = new(FeatureProfile.Compat);
    private readonly FeaturePipeline _full = new(FeatureProfile.Full);
    private AudioClip _clip = null!;

    [Params(48000, 22050)]
    public int SampleRateHz { get; set; }

    [GlobalSetup]
    public void Setup() => _clip = BenchmarkClips.At(SampleRateHz);

    [Benchmark]
    public float[] Compat() => _compat.MfccMean(_compat.Analyse(_clip));

    [Benchmark]
    public float[] Full() => _full.MfccMean(_full.Analyse(_clip));
}
