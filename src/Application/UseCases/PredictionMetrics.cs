using System.Diagnostics.Metrics;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.UseCases;

/// <summary>How a prediction's input arrived: MFCCs computed by the client, or audio we extracted.</summary>
public enum InputKind
{
    Mfccs,
    Audio,
}

/// <summary>Our own counters, exported with the request metrics at <c>/metrics</c>.</summary>
public sealed class PredictionMetrics : IDisposable
{
    public const string MeterName = "EmotionRecognition";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _predictions;
    private readonly Histogram<int> _batchSize;

    public PredictionMetrics()
    {
        _predictions = _meter.CreateCounter<long>("emotion.predictions", "{prediction}", "Inputs classified, by network and input kind.");
        _batchSize = _meter.CreateHistogram<int>("emotion.inference.batch_size", "{input}", "Inputs per forward pass.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
    }

    public void Predicted(NetworkType network, InputKind input, int count = 1) =>
        _predictions.Add(count, new("network", network.Name()), new("input", input == InputKind.Mfccs ? "mfccs" : "audio"));

    public void ForwardPass(int inputs) => _batchSize.Record(inputs);

    public void Dispose() => _meter.Dispose();
}
