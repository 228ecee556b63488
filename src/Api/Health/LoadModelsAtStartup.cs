using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Api.Health;

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
            if (model.Network.TakesMfccVector())
            {
                models.Predict(model.Network, [new float[model.Profile.CoefficientCount]]);
            }
            else
            {
                // One second of silence-level frames: the sequence network's first pass, with its own profile's rows
                // (mel bands, and pitch rows where the profile has them).
                var frames = 1 + model.Profile.SampleRateHz / model.Profile.HopLength;
                var rows = model.Profile.MelBands + model.Profile.PitchRows;
                // Profiles with pitch rows also give the clip's functionals, which a set with a functionals model needs.
                var functionals = model.Profile.PitchRows > 0 ? new float[ClipFunctionals.Count(model.Profile.MelBands)] : null;
                models.PredictSequence(model.Network, new FeatureMatrix(rows, frames, new float[rows * frames]), functionals);
            }
        }
        logger.LogInformation("Model set {ModelSetId} ready: {Networks}", models.Id, string.Join(", ", models.Models.Select(m => m.Network.Name())));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
