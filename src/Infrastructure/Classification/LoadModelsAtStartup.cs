using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// Loads the models while the server starts, not on the first request, and runs one forward pass per
/// network so the first client does not pay for native warm-up. Missing or corrupt models are logged
/// and reported by /health/ready; the process stays up.
/// </summary>
internal sealed class LoadModelsAtStartup(IEmotionClassifier classifier, ILogger<LoadModelsAtStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        if (classifier.UnavailableReason is { } reason)
        {
            logger.LogWarning("Serving without models, /health/ready answers 503: {Reason}", reason);
            return Task.CompletedTask;
        }
        var models = classifier.Current;
        foreach (var model in models.Models)
        {
            // One second of silence through the whole road: decoding aside, what the first request would pay.
            var rate = model.Profile.SampleRateHz;
            models.ClassifyAsync(model.Network, new AudioClip(new float[rate], rate)).AsTask().GetAwaiter().GetResult();
        }
        logger.LogInformation("Model set {ModelSetId} ready: {Networks}", models.Id, string.Join(", ", models.Models.Select(m => m.Network.Name())));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
