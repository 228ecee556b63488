using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.IntegrationTests.Api;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmotionRecognition.IntegrationTests.Timeline;

/// <summary><c>/stream/{networkType}</c> over real Kestrel with a real WebSocket client; the fake model set answers.</summary>
[TestFixture]
public sealed class TimelineStreamTests
{
    private sealed record Received(List<JsonElement> Messages, WebSocketCloseStatus? Status, string? Reason);

    private static Uri WebSocketUri(Uri http, string pathAndQuery) => new($"ws://{http.Authority}{pathAndQuery}");

    private static async Task<ClientWebSocket> ConnectAsync(Uri server, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(WebSocketUri(server, pathAndQuery), CancellationToken.None);
        return socket;
    }

    private static byte[] Pcm16(ReadOnlySpan<float> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)Math.Round(Math.Clamp(samples[i], -1f, 1f) * short.MaxValue));
        return bytes;
    }

    private static async Task SendAudioAsync(ClientWebSocket socket, AudioClip clip, double chunkSeconds = 0.1)
    {
        var chunk = (int)(clip.SampleRateHz * chunkSeconds);
        for (int start = 0; start < clip.Samples.Length; start += chunk)
            await socket.SendAsync(Pcm16(clip.Samples.AsSpan(start, Math.Min(chunk, clip.Samples.Length - start))), WebSocketMessageType.Binary, true, CancellationToken.None);
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Every message until the server closes (or 20 s pass).</summary>
    private static async Task<Received> ReceiveAllAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var messages = new List<JsonElement>();
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
                return new Received(messages, result.CloseStatus, result.CloseStatusDescription);
            messages.Add(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
        }
    }

    private static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    [Test]
    public async Task Stream_SentencesInChunks_SendsReadyASegmentPerSentenceAndTheEnd_TheSameAsTheTimelineRoute()
    {
        var recording = TimelineRecordings.Sentences(3);
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        var server = factory.StartOnLoopback();
        using var client = new HttpClient { BaseAddress = server };
        using var timelineResponse = await client.PostAsync("/prediction/dnn/timeline", PredictionRequests.Wav(TimelineRecordings.Wav(recording.Clip)));
        var timeline = JsonDocument.Parse(await timelineResponse.Content.ReadAsStringAsync()).RootElement;

        using var socket = await ConnectAsync(server, $"/stream/dnn?sampleRate={recording.Clip.SampleRateHz}");
        await SendAudioAsync(socket, recording.Clip);
        await SendTextAsync(socket, "{\"type\":\"end\"}");
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        Assert.That(TypeOf(received.Messages[0]), Is.EqualTo("ready"));
        Assert.That(received.Messages[0].GetProperty("network").GetString(), Is.EqualTo("DNN"));
        var segments = received.Messages.Where(m => TypeOf(m) == "segment").ToArray();
        var expected = timeline.GetProperty("segments").EnumerateArray().ToArray();
        Assert.That(segments, Has.Length.EqualTo(3));
        Assert.That(segments.Select(s => (s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble())),
            Is.EqualTo(expected.Select(s => (s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble()))));
        var end = received.Messages[^1];
        Assert.That(TypeOf(end), Is.EqualTo("end"));
        Assert.That(end.GetProperty("segments").GetInt32(), Is.EqualTo(3));
        Assert.That(end.GetProperty("duration").GetDouble(), Is.EqualTo(recording.Clip.DurationSeconds).Within(0.001));
        Assert.That(PredictionRequests.Probabilities(end.GetProperty("summary").ToString()),
            Is.EqualTo(PredictionRequests.Probabilities(timeline.GetProperty("summary").ToString())).Within(1e-6));
    }

    [Test]
    public async Task Stream_SampleRateAsFirstMessage_AndClientClose_StillGetsTheEnd()
    {
        var recording = TimelineRecordings.Sentences(1);
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        var server = factory.StartOnLoopback();

        using var socket = await ConnectAsync(server, "/stream/CNN");
        await SendTextAsync(socket, $"{{\"sampleRate\":{recording.Clip.SampleRateHz}}}");
        await SendAudioAsync(socket, recording.Clip, chunkSeconds: 0.25);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        var types = received.Messages.Select(TypeOf).ToArray();
        Assert.That(types[0], Is.EqualTo("ready"));
        Assert.That(types.Count(t => t == "segment"), Is.EqualTo(1), string.Join(", ", types));
        Assert.That(types[^1], Is.EqualTo("end"));
    }

    [Test]
    public async Task Stream_LongSpeech_SendsAPartialAtLeastEveryTwoSecondsOfAudio()
    {
        using var factory = new SpeechEverywhereFactory();
        var server = factory.StartOnLoopback();
        var tone = WavReader.Read(Trainer.TestWav.Tone(220, sampleRateHz: 16000, seconds: 12));

        using var socket = await ConnectAsync(server, "/stream/dnn?sampleRate=16000");
        await SendAudioAsync(socket, tone, chunkSeconds: 0.2);
        await SendTextAsync(socket, "{\"type\":\"end\"}");
        var received = await ReceiveAllAsync(socket);

        var reports = received.Messages.Where(m => TypeOf(m) is "partial" or "segment").Select(m => m.GetProperty("end").GetDouble()).ToArray();
        Assert.That(received.Messages.Count(m => TypeOf(m) == "partial"), Is.GreaterThanOrEqualTo(3));
        var times = reports.Prepend(0).ToArray();
        Assert.That(times.Zip(times.Skip(1), (a, b) => b - a).Max(), Is.LessThanOrEqualTo(2.0 + 1e-9), string.Join(", ", reports));
        Assert.That(received.Messages.Where(m => TypeOf(m) == "segment").Select(m => m.GetProperty("end").GetDouble() - m.GetProperty("start").GetDouble()),
            Has.All.LessThanOrEqualTo(8.0 + 1e-9));
    }

    [Test]
    public async Task Stream_BinaryBeforeTheSampleRate_Closes1003()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn");

        await socket.SendAsync(new byte[64], WebSocketMessageType.Binary, true, CancellationToken.None);
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.InvalidMessageType));
        Assert.That(received.Reason, Does.Contain("sampleRate"));
    }

    [Test]
    public async Task Stream_TextThatIsNotEnd_Closes1003()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn?sampleRate=16000");

        await SendTextAsync(socket, "hello");
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.InvalidMessageType));
    }

    [TestCase("not json")]
    [TestCase("{\"rate\":16000}")]
    [TestCase("{\"sampleRate\":\"16000\"}")]
    public async Task Stream_MalformedFirstMessage_Closes1007(string first)
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn");

        await SendTextAsync(socket, first);
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
    }

    [Test]
    public async Task Stream_OddNumberOfPcmBytes_Closes1007()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn?sampleRate=16000");

        await socket.SendAsync(new byte[101], WebSocketMessageType.Binary, true, CancellationToken.None);
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
    }

    [Test]
    public async Task Stream_SampleRateOutOfRangeInTheFirstMessage_Closes1008()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn");

        await SendTextAsync(socket, "{\"sampleRate\":10}");
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(received.Reason, Does.Contain("sample rate"));
    }

    [Test]
    public async Task Stream_MessageOverTheLimit_Closes1009()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Streaming:MaxMessageBytes", "4096"));
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn?sampleRate=16000");

        await socket.SendAsync(new byte[8192], WebSocketMessageType.Binary, true, CancellationToken.None);
        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }

    [Test]
    public async Task Stream_Idle_Closes1008AfterTheTimeout()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Streaming:IdleTimeoutSeconds", "0.5"));
        using var socket = await ConnectAsync(factory.StartOnLoopback(), "/stream/dnn?sampleRate=16000");

        var received = await ReceiveAllAsync(socket);

        Assert.That(received.Messages.Select(TypeOf), Is.EqualTo(new[] { "ready" }));
        Assert.That(received.Status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(received.Reason, Does.Contain("No message"));
    }

    [TestCase("/stream/rnn?sampleRate=16000", HttpStatusCode.BadRequest)]
    [TestCase("/stream/dnn?sampleRate=abc", HttpStatusCode.BadRequest)]
    [TestCase("/stream/dnn?sampleRate=5", HttpStatusCode.BadRequest)]
    public async Task Stream_RefusedBeforeTheUpgrade_AnswersProblemDetails(string path, HttpStatusCode status)
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        var server = factory.StartOnLoopback();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        Assert.That(async () => await socket.ConnectAsync(WebSocketUri(server, path), CancellationToken.None), Throws.InstanceOf<WebSocketException>());
        Assert.That(socket.HttpStatusCode, Is.EqualTo(status));
    }

    [Test]
    public async Task Stream_PlainHttpRequest_Is400SayingToUseAWebSocket()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/stream/dnn");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("WebSocket"));
    }

    [Test]
    public async Task Stream_MoreThanTheMaximumStreams_Is503()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Streaming:MaxStreams", "1"));
        var server = factory.StartOnLoopback();
        using var first = await ConnectAsync(server, "/stream/dnn?sampleRate=16000");
        using var second = new ClientWebSocket();
        second.Options.CollectHttpResponseDetails = true;

        Assert.That(async () => await second.ConnectAsync(WebSocketUri(server, "/stream/dnn?sampleRate=16000"), CancellationToken.None), Throws.InstanceOf<WebSocketException>());
        Assert.That(second.HttpStatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }

    /// <summary>The Api with a detector that hears speech in every window, so speech lasts exactly as long as the audio.</summary>
    private sealed class SpeechEverywhereFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<EmotionRecognition.Api.Binding.PredictionInput>
    {
        public Uri StartOnLoopback()
        {
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            StartServer();
            return new Uri(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single());
        }

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IEmotionClassifier>();
                services.AddSingleton<IEmotionClassifier>(new FakeClassifier(new FakeModelSet()));
                services.RemoveAll<IVoiceActivityDetector>();
                services.AddSingleton<IVoiceActivityDetector, AlwaysSpeech>();
            });
    }

    private sealed class AlwaysSpeech : IVoiceActivityDetector
    {
        public int SampleRateHz => 16000;

        public int WindowSamples => 512;

        public IVoiceActivitySession StartSession() => new Session();

        private sealed class Session : IVoiceActivitySession
        {
            private int _pending;

            public IReadOnlyList<float> Process(ReadOnlySpan<float> samples)
            {
                _pending += samples.Length;
                var windows = _pending / 512;
                _pending %= 512;
                return Enumerable.Repeat(0.9f, windows).ToArray();
            }

            public void Dispose()
            {
            }
        }
    }
}
