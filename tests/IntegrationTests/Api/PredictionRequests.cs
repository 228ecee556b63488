using System.Net.Http.Headers;
using System.Text.Json;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>The two halves of a prediction round trip that many tests share: a WAV request body, and the probabilities of an answer.</summary>
internal static class PredictionRequests
{
    /// <summary><paramref name="bytes"/> as a raw request body of <paramref name="contentType"/> (a WAV upload by default).</summary>
    public static ByteArrayContent Wav(byte[] bytes, string contentType = "audio/wav")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>The <c>prediction</c> of each entry of a <c>{"results":[…]}</c> answer, in its order.</summary>
    public static float[] Probabilities(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("prediction").GetSingle()).ToArray();
}
