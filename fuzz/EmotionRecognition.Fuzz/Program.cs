using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using SharpFuzz;

// One harness for the whole untrusted-input path: bytes -> WavReader -> FeaturePipeline.
// The contract under test: any input yields finite features or InvalidAudioException;
// anything else (another exception, a hang, runaway memory) is a finding.
var pipelines = FeatureProfile.Known.Select(p => new FeaturePipeline(p)).ToArray();

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
    var bytes = buffer.ToArray();
    AudioClip clip;
    try
    {
        clip = WavReader.Read(bytes);
    }
    catch (InvalidAudioException)
    {
        return;
    }
    foreach (var pipeline in pipelines)
    {
        var mean = pipeline.ExtractMean(clip);
        if (mean.Length != pipeline.Profile.CoefficientCount || mean.Any(v => !float.IsFinite(v)))
        {
            throw new InvalidOperationException($"{pipeline.Profile.Name}: non-finite or wrongly sized features");
        }
    }
});
