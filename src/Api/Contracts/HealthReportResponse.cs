namespace EmotionRecognition.Api.Contracts;

/// <summary><c>GET /health/ready</c>: <c>{"status":"Unhealthy","detail":"why"}</c> or <c>{"status":"Healthy","detail":"what serves"}</c>.</summary>
public sealed record HealthReportResponse(string Status, string Detail);
