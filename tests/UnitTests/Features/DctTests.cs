using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class DctTests
{
    [Test]
    public void Dct_FullSize_IsOrthonormal()
    {
        // Orthonormal DCT-II: the matrix times its transpose is the identity, so ‖Dx‖ = ‖x‖.
        const int size = 16;
        var dct = new Dct(size, size);
        var basis = new double[size][];
        for (var n = 0; n < size; n++)
        {
            var unit = new double[size];
            unit[n] = 1;
            basis[n] = new double[size];
            dct.Transform(unit, basis[n]);   // column n of the matrix
        }

        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                var dot = Enumerable.Range(0, size).Sum(k => basis[i][k] * basis[j][k]);
                Assert.That(dot, Is.EqualTo(i == j ? 1.0 : 0.0).Within(1e-12), $"column {i} · column {j}");
            }
        }
    }

    [Test]
    public void Dct_ConstantInput_OnlyC0IsNonZero()
    {
        // A constant c over N points has c0 = c·√N and no higher coefficients.
        var dct = new Dct(128, 25);
        var output = new double[25];

        dct.Transform(Enumerable.Repeat(-100.0, 128).ToArray(), output);

        Assert.That(output[0], Is.EqualTo(-100 * Math.Sqrt(128)).Within(1e-9));
        Assert.That(output[1..], Has.All.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void Dct_SingleCosine_LandsInItsCoefficient()
    {
        // x[n] = cos(π·k·(2n+1)/2N) is basis row k (up to scale √(N/2)).
        const int size = 128;
        const int k = 7;
        var input = Enumerable.Range(0, size).Select(n => Math.Cos(Math.PI * k * (2 * n + 1) / (2.0 * size))).ToArray();
        var dct = new Dct(size, 25);
        var output = new double[25];

        dct.Transform(input, output);

        for (var i = 0; i < 25; i++)
            Assert.That(output[i], Is.EqualTo(i == k ? Math.Sqrt(size / 2.0) : 0.0).Within(1e-9), $"c{i}");
    }

    [Test]
    public void Dct_MoreOutputsThanInputs_IsRejected()
    {
        Assert.That(() => new Dct(8, 9), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
