using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Robustness;

/// <summary>
/// The contract every untrusted byte array must meet on its way to a model: WavReader then
/// FeaturePipeline (every known profile) yields features of the profile's length, all finite,
/// or throws <see cref="InvalidAudioException"/>. Any other exception, a non-finite value or a
/// wrong length is a violation. The fuzz harness (fuzz/EmotionRecognition.Fuzz) checks the same.
/// </summary>
internal static class AudioContract
{
    private static readonly FeaturePipeline[] Pipelines = FeatureProfile.Known.Select(p => new FeaturePipeline(p)).ToArray();

    /// <summary>What happened to one input: the violations (empty when the contract holds) and how it ended.</summary>
    /// <param name="Violations">Human-readable breaches of the contract; empty when it holds.</param>
    /// <param name="Refusals">The InvalidAudioException messages (reader or per profile).</param>
    /// <param name="FeatureVectors">How many profiles produced features.</param>
    /// <param name="AllocatedBytes">Managed bytes allocated on the calling thread while analysing.</param>
    /// <param name="Elapsed">Wall-clock time of the analysis.</param>
    public sealed record Outcome(
        IReadOnlyList<string> Violations, IReadOnlyList<string> Refusals, int FeatureVectors, long AllocatedBytes, TimeSpan Elapsed);

    public static Outcome Analyse(ReadOnlySpan<byte> wav)
    {
        var violations = new List<string>();
        var refusals = new List<string>();
        var featureVectors = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        AudioClip? clip = null;
        try
        {
            clip = WavReader.Read(wav);
        }
        catch (InvalidAudioException e)
        {
            refusals.Add(e.Message);
        }
        catch (Exception e)
        {
            violations.Add($"WavReader threw {e.GetType().Name}: {e.Message}");
        }

        if (clip is not null)
        {
            foreach (var pipeline in Pipelines)
            {
                var (vectors, problem) = Analyse(pipeline, clip, refusals);
                featureVectors += vectors;
                if (problem is not null)
                    violations.Add(problem);
            }
        }

        clock.Stop();
        return new Outcome(violations, refusals, featureVectors, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, clock.Elapsed);
    }

    /// <summary>Features of an already decoded clip by every known profile; violations only (refusals are allowed).</summary>
    public static IReadOnlyList<string> ViolationsFor(AudioClip clip, List<string> refusals)
    {
        var violations = new List<string>();
        foreach (var pipeline in Pipelines)
        {
            var (_, problem) = Analyse(pipeline, clip, refusals);
            if (problem is not null)
                violations.Add(problem);
        }

        return violations;
    }

    private static (int Vectors, string? Problem) Analyse(FeaturePipeline pipeline, AudioClip clip, List<string> refusals)
    {
        var name = pipeline.Profile.Name;
        try
        {
            var mean = pipeline.ExtractMean(clip);
            if (mean.Length != pipeline.Profile.CoefficientCount)
                return (0, $"{name}: {mean.Length} features, expected {pipeline.Profile.CoefficientCount}");
            var bad = Array.FindIndex(mean, v => !float.IsFinite(v));
            return bad >= 0 ? (0, $"{name}: feature {bad} is {mean[bad]}") : (1, null);
        }
        catch (InvalidAudioException e)
        {
            refusals.Add($"{name}: {e.Message}");
            return (0, null);
        }
        catch (Exception e)
        {
            return (0, $"{name}: FeaturePipeline threw {e.GetType().Name}: {e.Message}");
        }
    }
}
