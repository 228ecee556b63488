using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Vad;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmotionRecognition.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The served models behind <see cref="IEmotionClassifier"/>: the models folder (<see cref="ModelsOptions"/>, from
    /// <c>[models] path</c>), the TorchSharp classifier with its inference batcher, the load and warm-up at start and
    /// the watcher that reloads a newly published set; ffmpeg as the
    /// <see cref="IExternalAudioDecoder"/> behind <see cref="Application.Audio.AudioDecoder"/>; and the Silero
    /// voice-activity detector behind <see cref="IVoiceActivityDetector"/>.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var models = ModelsOptions.From(configuration);
        services.AddSingleton(models);
        services.AddSingleton<IOptions<ModelsOptions>>(Options.Create(models));
        // The batcher's tuning and metrics are the prediction use cases' (AddApplication); defaults when hosted alone.
        services.TryAddSingleton(new PredictionOptions());
        services.TryAddSingleton<PredictionMetrics>();
        services.AddSingleton<InferenceBatcher>();
        services.AddSingleton<IEmotionClassifier>(sp => new ModelSetClassifier(
            models, sp.GetService<ILogger<ModelSetClassifier>>(), sp.GetRequiredService<InferenceBatcher>()));
        services.AddHostedService<LoadModelsAtStartup>();
        services.AddHostedService<ReloadModelsOnChange>();
        services.AddSingleton<IExternalAudioDecoder>(_ => new FfmpegAudioDecoder());
        services.AddSingleton<IVoiceActivityDetector, SileroVoiceActivityDetector>();
        return services;
    }
}
