namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// Base of the fixtures that talk to the Api through the in-memory test server: a fresh Api and client per
/// test, over a <see cref="FakeModelSet"/> whose start-up warm-up passes are already forgotten.
/// Override <see cref="CreateFactory"/> for an Api started differently (e.g. without models).
/// </summary>
public abstract class InMemoryApiTests
{
    private protected FakeModelSet Models { get; private set; } = null!;

    private protected ApiFactory Factory { get; private set; } = null!;

    private protected HttpClient Client { get; private set; } = null!;

    private protected virtual ApiFactory CreateFactory(FakeModelSet models) => ApiFactory.WithModels(models);

    [SetUp]
    public void StartApi()
    {
        Models = new FakeModelSet();
        Factory = CreateFactory(Models);
        Client = Factory.CreateClient();
        Models.Inputs.Clear();
    }

    [TearDown]
    public void StopApi()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
