using System.Text;
using System.Text.Json;
using Pipeline.Index.Eval;
using Pipeline.Storage.Commit;

namespace Pipeline.Index.Tests.Eval;

public sealed class EvaluationReportTests
{
    [Fact]
    public void Both_evaluations_fill_the_report_which_serialises_to_snake_case_json()
    {
        var centres = Blobs.Centres(classes: 3, dimension: 6, separation: 1.5, seed: 30);
        var train = Blobs.Sample(centres, rows: 150, seed: 31);
        var test = Blobs.Sample(centres, rows: 60, seed: 32);

        var report = EmbeddingEvaluation.Run(train, test, 3, new KnnClassifierOptions { K = 10 });

        Assert.Equal((150, 60, 3, 10), (report.TrainImages, report.TestImages, report.Classes, report.KnnK));
        Assert.Null(report.KnnTop5);
        Assert.Equal(KnnClassifier.Evaluate(train, test, 3, new KnnClassifierOptions { K = 10 }).Top1Accuracy, report.KnnTop1);
        Assert.Equal(LinearProbe.Evaluate(train, test, 3).Top1Accuracy, report.LinearTop1);

        using var json = JsonDocument.Parse(OutputJson.Serialize(report));
        var root = json.RootElement;
        Assert.Equal(150, root.GetProperty("train_images").GetInt32());
        Assert.Equal(report.LinearWeightDecay, root.GetProperty("linear_weight_decay").GetDouble());
        Assert.False(root.TryGetProperty("knn_top5", out _), "a null top-5 is left out.");
        Assert.Equal(LinearProbeOptions.DefaultWeightDecays.Count, root.GetProperty("linear_trials").GetArrayLength());
        Assert.Contains("k-NN (k=10) top-1", report.ToString());
        Assert.DoesNotContain("top-5", report.ToString());
    }
}
