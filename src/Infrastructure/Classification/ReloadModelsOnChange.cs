using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Infrastructure.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// Serves a newly trained model set without a restart: every <c>[models] reload_poll_seconds</c> it asks
/// the classifier to reload if <c>models/current</c> changed. Polling a one-line file works on every file
/// system (bind mounts, network and Kubernetes volumes, where change notifications are unreliable) for one
/// tiny read per interval. The swap is atomic: each request reads one snapshot of the set and keeps it.
/// </summary>
internal sealed class ReloadModelsOnChange(IEmotionClassifier classifier, ModelsOptions options, ILogger<ReloadModelsOnChange> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // Only the TorchSharp classifier reads a models folder (tests substitute fakes).
        if (classifier is not ModelSetClassifier torch || options.ReloadPollSeconds <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ReloadPollSeconds));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                if (torch.ReloadIfPointerChanged())
                {
                    logger.LogInformation("Reloaded models: now serving set {ModelSetId}", torch.Current.Id);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A watcher that dies would silently freeze the served set; log and keep watching.
                logger.LogError(e, "Checking {Folder} for a new model set failed", options.Path);
            }
        }
    }
}
