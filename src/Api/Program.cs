using EmotionRecognition.Api;
using EmotionRecognition.Application;

var builder = WebApplication.CreateBuilder(args).ListenOnOriginalUrlByDefault();

builder.Services
    .AddApplication(builder.Configuration.PredictionOptions())
    .AddApi(builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapEmotionApi();
app.MapOperations();

app.Run();
