using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Features;

namespace EmotionRecognition.Api.Binding;

/// <summary>
/// Reads request bodies ourselves, so every failure becomes our problem details: a declared or actual
/// size over the limit is 413 before more than the limit is buffered, and malformed JSON or a value of
/// the wrong type is a 400 naming the field (<c>mfccs[3]</c>), never the framework's bare 400 or a 500.
/// </summary>
internal static class RequestBody
{
    /// <summary>The body as JSON of type <typeparamref name="T"/>; null for the literal <c>null</c>.</summary>
    public static async ValueTask<T?> ReadJsonAsync<T>(HttpContext context, long maxBytes, JsonTypeInfo<T> type)
    {
        var body = await BufferAsync(context, maxBytes);
        try
        {
            return Deserialize(body.Buffer, type);
        }
        finally
        {
            context.Request.BodyReader.AdvanceTo(body.Buffer.End);
        }
    }

    /// <summary>The whole body as bytes (audio), at most <paramref name="maxBytes"/>.</summary>
    public static async ValueTask<byte[]> ReadBytesAsync(HttpContext context, long maxBytes)
    {
        var body = await BufferAsync(context, maxBytes);
        var bytes = body.Buffer.ToArray();
        context.Request.BodyReader.AdvanceTo(body.Buffer.End);
        return bytes;
    }

    /// <summary>Reads until the body ends, refusing it as soon as it is longer than the limit.</summary>
    private static async ValueTask<ReadResult> BufferAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        // Kestrel then stops a body that lies about (or omits) its length at the limit as well.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            if (result.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(result.Buffer.End);
                throw TooLarge(maxBytes);
            }
            if (result.IsCompleted)
            {
                return result;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static T? Deserialize<T>(ReadOnlySequence<byte> json, JsonTypeInfo<T> type)
    {
        try
        {
            return json.IsSingleSegment
                ? JsonSerializer.Deserialize(json.FirstSpan, type)
                : JsonSerializer.Deserialize(json.ToArray(), type);
        }
        catch (JsonException e)
        {
            // Bad input, not a server fault: the one validation exception, naming where the JSON went wrong.
            throw new ValidationException([new ValidationFailure(FieldOf(e.Path), JsonProblem(e))]);
        }
    }

    /// <summary>"$.mfccs[3]" becomes "mfccs[3]"; the document itself (empty or not an object) is "body".</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string JsonProblem(JsonException e) => e.InnerException switch
    {
        // System.Text.Json's reader says what is malformed and where: "'N' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 10."
        JsonException malformed => $"Malformed JSON: {malformed.Message}",
        // "Cannot get the value of a token type 'String' as a number."
        InvalidOperationException wrongType => $"Wrong type: {wrongType.Message}",
        // AllowDuplicateProperties = false: "Duplicate property 'mfccs' encountered during deserialization of …".
        _ when e.Message.StartsWith("Duplicate property", StringComparison.Ordinal) => "Duplicate key: each field may appear once in a JSON object.",
        _ when e.Path is null or "$" => "The body must be a JSON object.",
        _ => "Wrong type: this field does not take a value of that kind.",
    };

    private static BadHttpRequestException TooLarge(long maxBytes) =>
        new($"The request body is larger than the limit of {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
}
