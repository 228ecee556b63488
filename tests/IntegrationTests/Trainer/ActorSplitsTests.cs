using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.IntegrationTests.Trainer;

[TestFixture]
public sealed class ActorSplitsTests
{
    private static readonly int[] Actors = Enumerable.Range(1, 20).ToArray();

    [Test]
    public void Folds_20Actors5Folds_DisjointCoveringAndGenderBalanced()
    {
        var folds = ActorSplits.Folds(Actors, 5, seed: 7);

        Assert.That(folds, Has.Count.EqualTo(5));
        Assert.That(folds.SelectMany(f => f).Order(), Is.EqualTo(Actors));
        foreach (var fold in folds)
        {
            Assert.That(fold.Count(a => a % 2 == 1), Is.EqualTo(2), "two men");
            Assert.That(fold.Count(a => a % 2 == 0), Is.EqualTo(2), "two women");
        }
    }

    [Test]
    public void Folds_SameSeed_SameSplits_OtherSeed_OtherSplits()
    {
        Assert.That(ActorSplits.Folds(Actors, 5, 7), Is.EqualTo(ActorSplits.Folds(Actors, 5, 7)));
        Assert.That(ActorSplits.Folds(Actors, 5, 7), Is.Not.EqualTo(ActorSplits.Folds(Actors, 5, 8)));
    }

    [Test]
    public void Folds_FewerActorsThanFolds_ThrowsWithCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => ActorSplits.Folds([1, 2, 3], 5, 1));
        Assert.That(e!.Message, Does.Contain("at least 5 actors").And.Contain("has 3"));
    }

    [Test]
    public void Validation_TakesAlternatingGendersFromTrainingActorsOnly()
    {
        var training = Actors.Except([1, 2, 3, 4]).ToArray();

        var validation = ActorSplits.Validation(training, 2, seed: 3);

        Assert.That(validation, Has.Length.EqualTo(2));
        Assert.That(validation, Is.SubsetOf(training));
        Assert.That(validation.Count(a => a % 2 == 0), Is.EqualTo(1));
    }

    [Test]
    public void Validation_AsManyAsTrainingActors_Throws()
    {
        Assert.Throws<ArgumentException>(() => ActorSplits.Validation([5, 6], 2, 1));
    }
}
