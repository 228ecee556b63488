using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Api.Binding;
using EmotionRecognition.IntegrationTests.Api;
using static EmotionRecognition.IntegrationTests.Robustness.Bodies;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>
/// A table of hostile and malformed requests, each with the status and problem type it must get. The rule
/// behind every row: bad input is a 4xx problem (RFC 9457) that says what is wrong, never a 500. The cases
/// that need real sockets (slow clients, bodies that never end) are in <see cref="SlowClientTests"/>.
/// </summary>
[TestFixture]
public sealed class HostileInputTests
{
    private const string Dnn = "/prediction/DNN";
    private const string Batch = "/prediction/DNN/batch";
    private const int AudioLimit = 10 * 1024 * 1024;

    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        _factory = ApiFactory.WithModels(new FakeModelSet());
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApi()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private static HostileInput Post(string name, string path, Func<HttpContent?> content, int status, string? type) =>
        new(name, HttpMethod.Post, path, content, status, type);

    private static HostileInput Json400(string name, string body) => Post(name, Dnn, () => Json(body), 400, ProblemTypes.BadRequest);

    private static HostileInput Audio422(string name, Func<byte[]> wav) => Post(name, Dnn, () => Wav(wav()), 422, ProblemTypes.UnprocessableContent);

    private static HostileInput Audio422As(string name, Func<byte[]> audio, string contentType) =>
        Post(name, Dnn, () => Raw(audio(), contentType), 422, ProblemTypes.UnprocessableContent);

    private static readonly byte[] Golden = GoldenWavs.Read("speech_22050_s16.wav");

    public static IEnumerable<HostileInput> Cases()
    {
        // Truncated and malformed JSON.
        yield return Json400("Json_Empty", "");
        yield return Json400("Json_OnlyOpeningBrace", "{");
        yield return Json400("Json_TruncatedInsideArray", """{"mfccs":[1.5,2.5,3""");
        yield return Json400("Json_MissingClosingBrace", $$"""{"mfccs":[{{Numbers(25)}}]""");
        yield return Json400("Json_TrailingGarbage", Mfccs() + "}}}");
        yield return Json400("Json_TrailingComma", $$"""{"mfccs":[{{Numbers(25)}},]}""");
        yield return Json400("Json_SingleQuotes", "{'mfccs':[1,2,3]}");
        yield return Json400("Json_Comment", "/* hi */" + Mfccs());
        yield return Post("Json_InvalidUtf8", Dnn, () => Raw([.. "{\"mfccs\":[\""u8, 0xC3, 0x28, .. "\"]}"u8], "application/json"), 400, ProblemTypes.BadRequest);
        // Wrong shapes.
        yield return Json400("Json_Null", "null");
        yield return Json400("Json_EmptyArray", "[]");
        yield return Json400("Json_String", "\"mfccs\"");
        yield return Json400("Json_Number", "42");
        yield return Json400("Json_EmptyObject", "{}");
        yield return Json400("Json_MfccsNull", """{"mfccs":null}""");
        yield return Json400("Json_MfccsString", """{"mfccs":"1.5,2.5"}""");
        yield return Json400("Json_MfccsObject", """{"mfccs":{"0":1.5}}""");
        yield return Json400("Json_ArrayOfArrays", $$"""{"mfccs":[{{string.Join(",", Enumerable.Repeat("[1.5]", 25))}}]}""");
        yield return Json400("Json_ArrayOfEmptyArrays", """{"mfccs":[[],[],[]]}""");
        yield return Json400("Json_StringNumbers", Mfccs(25, "\"1.5\""));
        yield return Json400("Json_Booleans", Mfccs(25, "true"));
        yield return Json400("Json_NullElements", Mfccs(25, "null"));
        yield return Json400("Json_24Numbers", Mfccs(24));
        yield return Json400("Json_26Numbers", Mfccs(26));
        yield return Json400("Json_DuplicateKeys", $$"""{"mfccs":[{{Numbers(24)}}],"mfccs":[{{Numbers(25)}}]}""");
        // Numbers at and beyond the edges of float32.
        yield return Json400("Number_1e400", MfccsStartingWith("1e400"));
        yield return Json400("Number_Minus1e400", MfccsStartingWith("-1e400"));
        yield return Json400("Number_JustAboveFloatMax", MfccsStartingWith("3.5e38"));
        yield return Json400("Number_NaNToken", MfccsStartingWith("NaN"));
        yield return Json400("Number_InfinityToken", MfccsStartingWith("Infinity"));
        yield return Json400("Number_Hex", MfccsStartingWith("0x10"));
        yield return Json400("Number_LeadingPlus", MfccsStartingWith("+1"));
        yield return Json400("Number_TenThousandDigits", MfccsStartingWith(new string('9', 10_000)));
        yield return Post("Number_1EMinus400_UnderflowsToZero", Dnn, () => Json(MfccsStartingWith("1E-400")), 200, null);
        yield return Post("Number_NegativeZero", Dnn, () => Json(Mfccs(25, "-0")), 200, null);
        yield return Post("Number_FloatMax", Dnn, () => Json(MfccsStartingWith("3.4028234e38")), 200, null);
        yield return Post("Json_UnknownPropertiesIgnored", Dnn, () => Json($$"""{"extra":{"deep":[1,2]},"mfccs":[{{Numbers(25)}}]}"""), 200, null);
        // Deep and huge JSON.
        yield return Json400("Json_Nested10000Arrays", "{\"mfccs\":" + new string('[', 10_000) + new string(']', 10_000) + "}");
        yield return Json400("Json_Nested10000Objects", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));
        yield return Post("Json_65KiBOfWhitespace", Dnn, () => Json(new string(' ', 65 * 1024) + Mfccs()), 413, ProblemTypes.ContentTooLarge);
        yield return Post("Json_MillionNumbers", Dnn, () => Json(Mfccs(1_000_000)), 413, ProblemTypes.ContentTooLarge);
        yield return Post("Json_GiantString", Dnn, () => Json($$"""{"mfccs":"{{new string('x', 200_000)}}"}"""), 413, ProblemTypes.ContentTooLarge);
        // Content types.
        yield return Post("ContentType_TextPlain", Dnn, () => new StringContent(Mfccs(), Encoding.UTF8, "text/plain"), 415, ProblemTypes.UnsupportedMediaType);
        yield return Post("ContentType_Xml", Dnn, () => new StringContent("<mfccs/>", Encoding.UTF8, "application/xml"), 415, ProblemTypes.UnsupportedMediaType);
        yield return Post("ContentType_FormUrlEncoded", Dnn, () => new FormUrlEncodedContent([new("mfccs", "1")]), 415, ProblemTypes.UnsupportedMediaType);
        yield return Post("ContentType_OctetStream_SniffedAsWav", Dnn, () => Raw(Golden, "application/octet-stream"), 200, null);
        yield return Post("ContentType_Missing_ReadAsJson", Dnn, () => Raw(Encoding.UTF8.GetBytes(Mfccs()), null), 200, null);
        yield return Post("ContentType_Missing_SmallWavBody", Dnn, () => Raw(Golden[..2000], null), 400, ProblemTypes.BadRequest);
        yield return Post("ContentType_JsonButSmallWavBody", Dnn, () => Raw(Golden[..2000], "application/json"), 400, ProblemTypes.BadRequest);
        yield return Post("ContentType_JsonButWavBodyOver64KiB", Dnn, () => Raw(Golden, "application/json"), 413, ProblemTypes.ContentTooLarge);
        yield return Post("ContentType_WavButJsonBody", Dnn, () => Raw(Encoding.UTF8.GetBytes(Mfccs()), "audio/wav"), 422, ProblemTypes.UnprocessableContent);
        yield return Post("ContentType_MultipartWithoutBoundary", Dnn, () => Raw(Golden, "multipart/form-data"), 400, ProblemTypes.BadRequest);
        // Audio bodies.
        yield return Audio422("Wav_ZeroBytes", () => []);
        yield return Audio422("Wav_OneByte", () => [(byte)'R']);
        yield return Audio422("Wav_RiffHeaderOnly", () => "RIFF\x04\0\0\0WAVE"u8.ToArray());
        yield return Audio422("Wav_HeaderOnlyNoSamples", () => WavFile(22050, 16, 1, []));
        yield return Audio422("Wav_Claims4GiBButHoldsNothing", () => WavFile(22050, 16, 1, [], declaredDataBytes: uint.MaxValue, riffSize: uint.MaxValue));
        yield return Post("Wav_Claims4GiBHolds1Second", Dnn, () => Wav(WavFile(22050, 16, 1, Tone(22050, 1), declaredDataBytes: uint.MaxValue, riffSize: uint.MaxValue)), 200, null);
        yield return Audio422("Wav_RandomBytes", () => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        yield return Audio422("Wav_ALaw", () => WavFile(8000, 8, 6, new byte[8000]));
        yield return Audio422("Wav_SampleRate1Hz", () => WavFile(1, 16, 1, new byte[2000]));
        yield return Audio422("Wav_SampleRate4GHz", () => WavFile(-1, 16, 1, new byte[2000]));
        yield return Audio422("Wav_FloatNaN", () => WavFile(22050, 32, 3, Floats([.. Enumerable.Repeat(float.NaN, 22050 * 2)])));
        yield return Audio422("Wav_LongerThanTheDurationLimit", () => WavFile(1000, 8, 1, new byte[61_000]));
        yield return Post("Wav_TruncatedTo100Bytes", Dnn, () => Wav(Golden[..100]), 200, null);
        yield return Post("Wav_OverTheAudioLimit", Dnn, () => Wav(new byte[AudioLimit + 1]), 413, ProblemTypes.ContentTooLarge);
        // Compressed formats: garbage under every audio type, damaged and disguised real files.
        foreach (var type in PredictionInput.AudioMediaTypes)
        {
            yield return Post($"Garbage_As_{type.Replace('/', '_')}", Dnn, () => Raw(HostileAudio.Garbage(3000), type), 422, ProblemTypes.UnprocessableContent);
        }
        yield return Audio422As("Mp3_ZeroBytes", () => [], "audio/mpeg");
        yield return Audio422As("Mp3_OnlyAnId3Tag", () => HostileAudio.Mp3[..10], "audio/mpeg");
        yield return Audio422As("Mp3_Id3TagClaiming256MiB", () => HostileAudio.Id3Claiming256MiB, "audio/mpeg");
        yield return Audio422As("Mp3_Id3TagThenGarbage", () => [.. HostileAudio.Mp3[..10], .. HostileAudio.Garbage(4000)], "audio/mpeg");
        yield return Post("Mp3_TruncatedMidFrame", Dnn, () => Raw(HostileAudio.Mp3[..(HostileAudio.Mp3.Length / 2 + 3)], "audio/mpeg"), 200, null);
        yield return Post("Mp3_SampleRateAndChannelsChangeMidStream", Dnn, () => Raw([.. HostileAudio.Mp3, .. HostileAudio.Mp3At44100Stereo], "audio/mpeg"), 200, null);
        yield return Audio422As("Mp3_TenMinutes_StoppedAtTheDurationLimit", () => HostileAudio.TenMinuteMp3, "audio/mpeg");
        yield return Audio422As("Flac_MarkerOnly", () => "fLaC"u8.ToArray(), "audio/flac");
        yield return Audio422As("Flac_StreamInfoOnly", () => HostileAudio.Flac[..42], "audio/flac");
        yield return Audio422As("Flac_MetadataBlockClaiming16MiB", () => HostileAudio.FlacWithHugeMetadataBlock, "audio/flac");
        yield return Post("Flac_TruncatedMidFrame", Dnn, () => Raw(HostileAudio.Flac[..(HostileAudio.Flac.Length / 2 + 1)], "audio/flac"), 200, null);
        yield return Post("Flac_SecondStreamAtAnotherRate", Dnn, () => Raw([.. HostileAudio.Flac, .. HostileAudio.FlacAt48000], "audio/flac"), 200, null);
        yield return Audio422As("M4a_TruncatedBeforeItsIndex", () => HostileAudio.M4a[..(HostileAudio.M4a.Length / 2)], "audio/mp4");
        yield return Audio422As("M4a_FirstBoxClaiming4GiB", () => HostileAudio.Mp4WithHugeBox, "audio/mp4");
        yield return Audio422As("Adts_HeaderThenGarbage", () => [.. HostileAudio.Adts[..7], .. HostileAudio.Garbage(3000)], "audio/aac");
        yield return Audio422As("Ogg_FirstPageOnly", () => HostileAudio.Ogg[..58], "audio/ogg");
        yield return Audio422As("Opus_HeadersOnly", () => HostileAudio.Opus[..200], "audio/opus");
        yield return Post("Opus_TruncatedMidPage", Dnn, () => Raw(HostileAudio.Opus[..(HostileAudio.Opus.Length / 2)], "audio/opus"), 200, null);
        yield return Audio422As("Webm_EbmlHeaderClaimingEverything", () => HostileAudio.EbmlWithHugeHeader, "audio/webm");
        yield return Post("Webm_TruncatedMidCluster", Dnn, () => Raw(HostileAudio.Webm[..(HostileAudio.Webm.Length / 2)], "audio/webm"), 200, null);
        yield return Post("Aiff_Truncated", Dnn, () => Raw(HostileAudio.Aiff[..(HostileAudio.Aiff.Length / 2 + 1)], "audio/aiff"), 200, null);
        yield return Audio422As("Aiff_HeaderOnly", () => HostileAudio.Aiff[..54], "audio/aiff");
        // Polyglots: the first bytes decide, and a disguise that does not decode is a 422, never a 500.
        yield return Post("Polyglot_WavWithAnMp3Appended_ReadAsWav", Dnn, () => Raw([.. Golden, .. HostileAudio.Mp3], "audio/mpeg"), 200, null);
        yield return Audio422As("Polyglot_OggMarkerThenAWav", () => [.. "OggS"u8, .. Golden[..4000]], "audio/ogg");
        yield return Audio422As("Polyglot_FlacMarkerThenAnMp3", () => [.. "fLaC"u8, .. HostileAudio.Mp3], "audio/flac");
        yield return Audio422As("Polyglot_EbmlMarkerThenAFlac", () => [0x1A, 0x45, 0xDF, 0xA3, .. HostileAudio.Flac], "audio/webm");
        yield return Audio422As("Polyglot_HtmlNamedMp3", () => "<!doctype html><script>alert(1)</script>"u8.ToArray(), "audio/mpeg");
        // Multipart forms.
        yield return Post("Multipart_WithoutAFile", Dnn, () => Form(("note", new StringContent("hello"), null)), 400, ProblemTypes.BadRequest);
        yield return Post("Multipart_TwoFiles", Dnn, () => Form(("a", Wav(Golden), "a.wav"), ("b", Wav(Golden), "b.wav")), 400, ProblemTypes.BadRequest);
        yield return Post("Multipart_EmptyFile", Dnn, () => Form(("file", Wav([]), "empty.wav")), 422, ProblemTypes.UnprocessableContent);
        yield return Post("Multipart_TruncatedBeforeClosingBoundary", Dnn, () => TruncatedForm(), 400, ProblemTypes.BadRequest);
        yield return Post("Multipart_OverTheAudioLimit", Dnn, () => Form(("file", Wav(new byte[AudioLimit]), "big.wav")), 413, ProblemTypes.ContentTooLarge);
        yield return Post("Multipart_ValidWav", Dnn, () => Form(("file", Wav(Golden), "clip.wav")), 200, null);
        yield return Post("Multipart_Mp3NamedWav", Dnn, () => Form(("file", Wav(HostileAudio.Mp3), "clip.wav")), 200, null);
        yield return Post("Multipart_GarbageNamedMp3", Dnn, () => Form(("file", Raw(HostileAudio.Garbage(2000), "audio/mpeg"), "clip.mp3")), 422, ProblemTypes.UnprocessableContent);
        // The batch route.
        yield return Post("Batch_NoItems", Batch, () => Json("""{"items":[]}"""), 400, ProblemTypes.BadRequest);
        yield return Post("Batch_ItemsNull", Batch, () => Json("""{"items":null}"""), 400, ProblemTypes.BadRequest);
        yield return Post("Batch_ArrayOfArrays", Batch, () => Json($$"""{"items":[[{{Numbers(25)}}]]}"""), 400, ProblemTypes.BadRequest);
        yield return Post("Batch_101Items", Batch, () => Json($$"""{"items":[{{string.Join(",", Enumerable.Repeat(Mfccs(), 101))}}]}"""), 400, ProblemTypes.BadRequest);
        yield return Post("Batch_OneBadItem", Batch, () => Json($$"""{"items":[{{Mfccs()}},{{MfccsStartingWith("1e400")}}]}"""), 400, ProblemTypes.BadRequest);
        yield return Post("Batch_AudioContentType", Batch, () => Wav(Golden), 415, ProblemTypes.UnsupportedMediaType);
        yield return Post("Batch_Over1MiB", Batch, () => Json(new string(' ', 1024 * 1024 + 1)), 413, ProblemTypes.ContentTooLarge);
        // Routes and methods.
        yield return Post("Route_UnknownNetwork", "/prediction/RNN", () => Json(Mfccs()), 400, ProblemTypes.BadRequest);
        yield return Post("Route_NetworkName2000Chars", "/prediction/" + new string('C', 2000), () => Json(Mfccs()), 400, ProblemTypes.BadRequest);
        yield return Post("Route_Unknown", "/predictions/DNN", () => Json(Mfccs()), 404, ProblemTypes.NotFound);
        yield return new HostileInput("Method_Get", HttpMethod.Get, Dnn, () => null, 405, ProblemTypes.MethodNotAllowed);
        yield return new HostileInput("Method_Put", HttpMethod.Put, Dnn, () => Json(Mfccs()), 405, ProblemTypes.MethodNotAllowed);
        yield return new HostileInput("Method_Delete", HttpMethod.Delete, "/models", () => null, 405, ProblemTypes.MethodNotAllowed);
    }

    /// <summary>A form whose body stops inside its file part: no closing boundary ever comes.</summary>
    private static HttpContent TruncatedForm()
    {
        const string boundary = "cut-here";
        var head = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n");
        var content = Raw([.. head, .. Golden[..200]], null);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    [Test]
    public async Task DuplicateKey_ProblemNamesTheFieldAndSaysWhy()
    {
        var response = await _client.PostAsync(Dnn, Json($$"""{"mfccs":[{{Numbers(25)}}],"mfccs":[{{Numbers(25)}}]}"""));

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(problem.GetProperty("errors").GetProperty("mfccs")[0].GetString(), Is.EqualTo("Duplicate key: each field may appear once in a JSON object."));
    }

    [Test]
    public void Table_HasAtLeast50Cases()
    {
        Assert.That(Cases().Count() + SlowClientTests.CaseCount, Is.GreaterThanOrEqualTo(50));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task HostileRequest_GetsItsStatusAndProblemType_NeverA500(HostileInput input)
    {
        using var request = new HttpRequestMessage(input.Method, input.Path) { Content = input.Content() };

        using var response = await _client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(input.Status), text.Length > 600 ? text[..600] : text);
        if (input.ProblemType is null)
        {
            Assert.That(text, Does.StartWith("""{"results":[{"emotionType":"angry","""));
            return;
        }
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.That(problem.TryGetProperty("type", out var type) ? type.GetString() : null, Is.EqualTo(input.ProblemType), text);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(input.Status));
        // Routing's own 404 and 405 carry only a title ("Not Found"); every refusal of ours says what is wrong.
        var explanation = input.Status is 404 or 405 ? "title" : "detail";
        Assert.That(problem.GetProperty(explanation).GetString(), Is.Not.Empty, "the problem must say what is wrong");
    }
}
