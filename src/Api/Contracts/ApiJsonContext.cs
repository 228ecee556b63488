using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmotionRecognition.Api.Contracts;

/// <summary>
/// Source-generated JSON for every contract: camelCase, no reflection on the hot path.
/// Numbers must be JSON numbers (strings such as "1.5" are refused), as the original parsed them.
/// A key given twice is refused too: parsers disagree on which copy wins (first, last, error), so a proxy
/// or firewall in front could check one vector while we classified another.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, PropertyNameCaseInsensitive = false,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(PredictionRequest))]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(BatchPredictionRequest))]
[JsonSerializable(typeof(BatchPredictionResponse))]
[JsonSerializable(typeof(ConfigurationResponse))]
[JsonSerializable(typeof(TimelineResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(HealthReportResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
