using EmotionRecognition.Api;
using Microsoft.AspNetCore.Builder;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>http://localhost:8080 (the original's base URL) unless the deployment names an address.</summary>
[TestFixture]
public sealed class DefaultUrlTests
{
    private static WebApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        return builder;
    }

    [Test]
    public void ListenOnOriginalUrlByDefault_NothingConfigured_ListensOnLocalhost8080()
    {
        var builder = Builder().ListenOnOriginalUrlByDefault();

        Assert.That(builder.Configuration["urls"], Is.EqualTo("http://localhost:8080"));
    }

    [TestCase("urls", "http://127.0.0.1:9000")]
    [TestCase("http_ports", "80")]
    [TestCase("HTTP_PORTS", "80")]
    [TestCase("https_ports", "443")]
    [TestCase("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:7000")]
    public void ListenOnOriginalUrlByDefault_AddressConfigured_LeavesItAlone(string key, string value)
    {
        var builder = Builder((key, value)).ListenOnOriginalUrlByDefault();

        Assert.That(builder.Configuration["urls"], Is.EqualTo(key == "urls" ? value : null));
    }
}
