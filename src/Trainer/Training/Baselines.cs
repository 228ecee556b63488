using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace EmotionRecognition.Trainer.Training;

/// <summary>
/// Classical ML.NET classifiers on the same standardised features and folds as the networks, so the
/// report shows what the networks add. Single-threaded and seeded, hence reproducible.
/// </summary>
internal static class Baselines
{
    public const string LightGbm = "LightGbm";
    public const string SdcaMaximumEntropy = "SdcaMaximumEntropy";

    public static IReadOnlyList<string> Names { get; } = [LightGbm, SdcaMaximumEntropy];

    /// <summary>Trains <paramref name="name"/> on <paramref name="train"/> and returns its class for each test row.</summary>
    public static int[] FitPredict(string name, LabeledMatrix train, float[][] test, int classes, int seed)
    {
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, train.Width);
        // A key column spanning exactly the label order. Loading from objects takes the class index
        // (0-based); the predicted key read back is the raw key value, which is 1-based (0 = missing).
        schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        var trainData = ml.Data.LoadFromEnumerable(
            train.Rows.Select((r, i) => new Row { Features = r, Label = (uint)train.Classes[i] }), schema);
        var testData = ml.Data.LoadFromEnumerable(test.Select(r => new Row { Features = r, Label = 0 }), schema);

        IEstimator<ITransformer> trainer = name switch
        {
            LightGbm => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = nameof(Row.Features),
                NumberOfThreads = 1,
                Seed = seed,
                Silent = true,
            }),
            SdcaMaximumEntropy => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = nameof(Row.Features),
                NumberOfThreads = 1,
            }),
            _ => throw new ArgumentException($"Unknown baseline '{name}'; known: {string.Join(", ", Names)}."),
        };
        var model = trainer.Fit(trainData);
        return ml.Data.CreateEnumerable<Prediction>(model.Transform(testData), reuseRowObject: false)
            .Select(p => (int)p.PredictedLabel - 1)
            .ToArray();
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
    }
}
