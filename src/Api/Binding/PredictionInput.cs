using System.Reflection;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Application.Audio;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EmotionRecognition.Api.Binding;

/// <summary>
/// The body of <c>POST /prediction/{networkType}</c>, chosen by Content-Type: a JSON MFCC vector
/// (application/json, or no Content-Type as older scripts send), an audio file as the raw body
/// (<see cref="AudioMediaTypes"/>), or a multipart form with one file part. Anything else is 415.
/// The audio type only says "this is audio": the decoder recognises the format from the bytes, so a
/// Content-Type (or a file name) that names the wrong format still works when the bytes are audio.
/// </summary>
/// <param name="Mfccs">The JSON vector when the body was JSON (null if the JSON had none: the validator says so).</param>
/// <param name="Audio">The file's bytes when the body was audio.</param>
public sealed record PredictionInput(float[]? Mfccs, byte[]? Audio)
{
    /// <summary>Raw-body types taken as audio; application/octet-stream is for clients that do not know the type.</summary>
    public static readonly string[] AudioMediaTypes =
    [
        "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave",
        "audio/aiff", "audio/x-aiff", "audio/flac", "audio/x-flac",
        "audio/mpeg", "audio/mp3", "audio/mp4", "audio/x-m4a", "audio/m4a", "audio/aac", "audio/x-aac",
        "audio/ogg", "audio/opus", "audio/webm",
        "application/octet-stream",
    ];

    public static async ValueTask<PredictionInput> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<BodyLimits>>().Value;
        return KindOf(context.Request) switch
        {
            BodyKind.Json => new((await RequestBody.ReadJsonAsync(context, limits.JsonBytes, ApiJsonContext.Default.PredictionRequest))?.Mfccs, null),
            BodyKind.Audio => new(null, await RequestBody.ReadBytesAsync(context, limits.AudioBytes)),
            _ => new(null, await ReadSingleFileAsync(context, limits.AudioBytes)),
        };
    }

    private enum BodyKind
    {
        Json,
        Audio,
        Multipart,
    }

    private static BodyKind KindOf(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType) || request.HasJsonContentType())
        {
            return BodyKind.Json;
        }
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            if (AudioMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
            {
                return BodyKind.Audio;
            }
            if (media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                return BodyKind.Multipart;
            }
        }
        throw UnsupportedMediaType(request.ContentType);
    }

    /// <summary>
    /// The one file part of a multipart form (other, non-file fields are ignored). The whole form is
    /// buffered under the audio limit first, so a form can never hold more than that in memory.
    /// </summary>
    internal static async ValueTask<byte[]> ReadSingleFileAsync(HttpContext context, long maxBytes)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw Invalid("The multipart/form-data Content-Type has no boundary.");
        }
        var form = await RequestBody.ReadBytesAsync(context, maxBytes);
        try
        {
            return await ReadSingleFileAsync(new MultipartReader(boundary, new MemoryStream(form, writable: false)), context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The form is already in memory, so these are its own faults (it ends before its closing
            // boundary, or a part header is over MultipartReader's limits), not the connection's.
            throw Invalid($"The multipart form is malformed: {e.Message}");
        }
    }

    private static async ValueTask<byte[]> ReadSingleFileAsync(MultipartReader reader, CancellationToken ct)
    {
        byte[]? file = null;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }
            if (file is not null)
            {
                throw Invalid("The form holds more than one file; send exactly one audio file.");
            }
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content, ct);
            file = content.ToArray();
        }
        return file ?? throw Invalid("The form holds no file; send one audio file part (e.g. curl -F file=@clip.m4a).");
    }

    private static ValidationException Invalid(string message) => new([new ValidationFailure("file", message)]);

    private static BadHttpRequestException UnsupportedMediaType(string? contentType) =>
        new($"Content-Type '{contentType}' is not supported here; send application/json ({{\"mfccs\":[…]}}), " +
            $"an audio type ({string.Join(", ", AudioMediaTypes)}) with the file as the body, " +
            $"or multipart/form-data with one file part. Audio may be {AudioFormats.Supported}.",
            StatusCodes.Status415UnsupportedMediaType);
}

/// <summary>The body of <c>POST /prediction/{networkType}/batch</c>: JSON only.</summary>
public sealed record BatchInput(IReadOnlyList<float[]?>? Items)
{
    public static async ValueTask<BatchInput> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (!string.IsNullOrEmpty(context.Request.ContentType) && !context.Request.HasJsonContentType())
        {
            throw new BadHttpRequestException(
                $"Content-Type '{context.Request.ContentType}' is not supported here; send application/json ({{\"items\":[{{\"mfccs\":[…]}},…]}}).",
                StatusCodes.Status415UnsupportedMediaType);
        }
        var limits = context.RequestServices.GetRequiredService<IOptions<BodyLimits>>().Value;
        var request = await RequestBody.ReadJsonAsync(context, limits.BatchJsonBytes, ApiJsonContext.Default.BatchPredictionRequest);
        return new(request?.Items?.Select(item => item?.Mfccs).ToArray());
    }
}
