using EmotionRecognition.Api;
using EmotionRecognition.Api.Limits;
using EmotionRecognition.Application;
using EmotionRecognition.Infrastructure;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Native;

// libtorch allocates and frees its activations on every forward pass; keep that memory in the heap (see GlibcHeap).
GlibcHeap.KeepFreedMemory();

var builder = WebApplication.CreateBuilder(args).ListenOnOriginalUrlByDefault();
// config.ini and EMOTION_ variables (shared with the Trainer); the command line still has the last word.
builder.Configuration.AddEmotionConfigIni().AddCommandLine(args);

builder.Services
    .AddApplication(builder.Configuration.GetPredictionOptions())
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration)
    .AddServerLimits(builder.Configuration)
    .AddTimeline(builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseServerLimits();
app.UseTimelineStreaming();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapEmotionApi();
app.MapTimelineApi();
app.MapOperations();

app.Run();
