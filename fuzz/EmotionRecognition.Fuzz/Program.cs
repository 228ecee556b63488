using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using SharpFuzz;

// One harness for the whole untrusted-input path: bytes -> WavReader -> FeaturePipeline.
// The contract under test: any input yields finite features or InvalidAudioException;
// anything else (another exception, a hang, runaway memory) is a finding.
//
// SharpFuzz rewrites EmotionRecognition.Application.dll so every branch writes to AFL's
// shared coverage map, and that map only exists once Fuzzer.Run has attached to it: touching
// any instrumented type before then (even FeatureProfile.Known) is an access violation.
// So the pipelines are built lazily, inside the first fuzzed call.
FeaturePipeline[]? pipelines = null;

// Fuzz inputs stay small; the Api caps audio bodies long before this.
const int MaxInputBytes = 1 << 20;

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    if (buffer.Length > MaxInputBytes)
    {
        return;
    }
    pipelines ??= FeatureProfile.Known.Select(p => new FeaturePipeline(p)).ToArray();
    AudioClip clip;
    try
    {
        clip = WavReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
    catch (InvalidAudioException)
    {
        return;
    }
    foreach (var pipeline in pipelines)
    {
        float[] mean;
        try
        {
            mean = pipeline.MfccMean(pipeline.Analyse(clip));
        }
        catch (InvalidAudioException)
        {
            continue;
        }
        if (mean.Length != pipeline.Profile.CoefficientCount || mean.Any(v => !float.IsFinite(v)))
        {
            throw new InvalidOperationException($"{pipeline.Profile.Name}: non-finite or wrongly sized features");
        }
    }
});
