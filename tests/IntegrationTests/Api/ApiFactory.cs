using EmotionRecognition.Api.Binding;
using System.Net;
using EmotionRecognition.Application.Abstractions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

    /// <summary>Starts the Api on real Kestrel at 127.0.0.1 on a free port (not the in-memory test server) and returns its address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

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
