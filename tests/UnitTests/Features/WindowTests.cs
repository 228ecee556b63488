using System.Text.Json;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class WindowTests
{
    [Test]
    public void PeriodicHann_2048_StartsAtZeroPeaksAtCentreAndIsPeriodicallySymmetric()
    {
        var window = Window.PeriodicHann(2048);

        Assert.That(window, Has.Length.EqualTo(2048));
        Assert.That(window[0], Is.EqualTo(0.0));
        Assert.That(window[1024], Is.EqualTo(1.0).Within(1e-15));
        for (var n = 1; n < 2048; n++)
            Assert.That(window[n], Is.EqualTo(window[2048 - n]).Within(1e-15), $"w[{n}] = w[N−{n}]");
        Assert.That(window, Has.All.InRange(0.0, 1.0));
    }

    [Test]
    public void PeriodicHann_SumsToHalfItsLength()
    {
        // Σ (0.5 − 0.5·cos(2πn/N)) = N/2: the cosine sums to zero over a whole period.
        Assert.That(Window.PeriodicHann(512).Sum(), Is.EqualTo(256.0).Within(1e-10));
    }

    [Test]
    public void PeriodicHann_MatchesScipyWindowInLibrosaDump()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(TestData.GoldenJsonDirectory, "debug", "tone_22050_s16.sr22050.orig.constant.json")));
        var first8 = json.RootElement.GetProperty("window").GetProperty("first8").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var window = Window.PeriodicHann(2048);

        for (var n = 0; n < 8; n++)
            Assert.That(window[n], Is.EqualTo(first8[n]).Within(1e-15 + 1e-12 * first8[n]), $"w[{n}]");
    }
}
