using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class PowerToDbTests
{
    [Test]
    public void ConvertInPlace_PowersOfTen_AreTenDecibelsApart()
    {
        double[] values = [1, 10, 100, 0.01];

        var max = PowerToDb.ConvertInPlace(values, topDb: 80);

        Assert.That(values, Is.EqualTo(new[] { 0.0, 10.0, 20.0, -20.0 }).Within(1e-12));
        Assert.That(max, Is.EqualTo(20.0).Within(1e-12));
    }

    [Test]
    public void ConvertInPlace_ZeroPower_IsMinus100DecibelsFromAmin()
    {
        double[] values = [0, 0];

        PowerToDb.ConvertInPlace(values, topDb: 80);

        Assert.That(values, Has.All.EqualTo(-100.0).Within(1e-12));
    }

    [Test]
    public void ConvertInPlace_ValuesFarBelowTheMaximum_AreRaisedToMaxMinusTopDb()
    {
        double[] values = [1e3, 1e-6, 1e-12, 1e-4];   // 30, −60, −100 (amin), −40 dB

        PowerToDb.ConvertInPlace(values, topDb: 80);

        Assert.That(values, Is.EqualTo(new[] { 30.0, -50.0, -50.0, -40.0 }).Within(1e-12));
    }
}
