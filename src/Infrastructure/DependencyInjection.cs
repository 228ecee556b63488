using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmotionRecognition.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the models folder (<see cref="ModelsOptions"/>, from <c>[models] path</c>) and the
    /// TorchSharp classifier as a singleton, also as <see cref="IEmotionClassifier"/>, and ffmpeg as
    /// the <see cref="IExternalAudioDecoder"/>.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var models = ModelsOptions.From(configuration);
        services.AddSingleton(models);
        services.AddSingleton<IOptions<ModelsOptions>>(Options.Create(models));
        services.AddSingleton<TorchEmotionClassifier>();
        services.AddSingleton<IEmotionClassifier>(sp => sp.GetRequiredService<TorchEmotionClassifier>());
        services.AddSingleton<IExternalAudioDecoder, FfmpegAudioDecoder>(_ => new FfmpegAudioDecoder());
        return services;
    }
}
