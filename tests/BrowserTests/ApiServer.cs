using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionRecognition.BrowserTests;

/// <summary>
/// The real Api (its Program, its wwwroot, the repository's config.ini and models/) on Kestrel
/// at a free port on 127.0.0.1, so a real browser can reach it over HTTP.
/// </summary>
/// <param name="environment">
/// EMOTION_ variables in force while the Api builds its configuration, e.g. EMOTION_MODELS__PATH.
/// (They, not host settings, override config.ini, which the Api adds after the host's settings.)
/// </param>
internal sealed class ApiServer(IReadOnlyDictionary<string, string> environment) : WebApplicationFactory<Program>
{
    public ApiServer() : this(new Dictionary<string, string>())
    {
    }

    /// <summary>Starts the server and returns its base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Start()
    {
        var previous = environment.Keys.ToDictionary(key => key, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (key, value) in environment)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
            UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
            StartServer();
        }
        finally
        {
            foreach (var (key, value) in previous)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First().TrimEnd('/') + "/");
    }
}
