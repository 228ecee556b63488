using EmotionRecognition.Api.Binding;
using EmotionRecognition.Application.Abstractions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// The Api in-process with a fake classifier in place of TorchSharp, and optional settings.
/// (The type argument only names the Api assembly: both the Api and the Trainer have a top-level Program.)
/// </summary>
internal sealed class ApiFactory(IEmotionClassifier classifier, params (string Key, string Value)[] settings) : WebApplicationFactory<PredictionInput>
{
    public static ApiFactory WithModels(FakeModelSet models, params (string Key, string Value)[] settings) => new(new FakeClassifier(models), settings);

    public static ApiFactory WithoutModels(string reason) => new(new FakeClassifier(null, reason));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IEmotionClassifier>();
            services.AddSingleton(classifier);
        });
    }
}
