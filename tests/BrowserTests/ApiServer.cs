using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionRecognition.BrowserTests;

/// <summary>
/// The real Api (its Program, its wwwroot, its models) on Kestrel at a free port on
/// 127.0.0.1, so a real browser can reach it over HTTP. Settings override the Api's
/// configuration, e.g. to point it at another models folder.
/// </summary>
internal sealed class ApiServer(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public ApiServer() : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>Starts the server and returns its base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Start()
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First().TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
