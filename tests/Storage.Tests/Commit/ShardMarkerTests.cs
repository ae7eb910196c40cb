using System.Text;
using Pipeline.Storage.Commit;

namespace Pipeline.Storage.Tests.Commit;

public sealed class ShardMarkerTests
{
    [Fact]
    public void Json_IsSnakeCase_NamesTheAttempt_AndLeavesOutEmbedFieldsOtherKindsDoNotHave()
    {
        var marker = new ShardMarker { JobId = "j", Shard = 2, Attempt = "01JAB", Rows = 5, Failures = 1, Files = ["images/00002/0.png"] };

        var json = Encoding.UTF8.GetString(OutputJson.Serialize(marker));

        Assert.Contains("\"attempt\": \"01JAB\"", json, StringComparison.Ordinal);
        Assert.Contains("\"job_id\": \"j\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("embedding_dim", json, StringComparison.Ordinal);
        Assert.DoesNotContain("dtype", json, StringComparison.Ordinal);
        var read = OutputJson.Deserialize<ShardMarker>(Encoding.UTF8.GetBytes(json));
        Assert.Equal(("01JAB", 5, (int?)null, "images/00002/0.png"), (read.Attempt, read.Rows, read.EmbeddingDim, string.Join(",", read.Files)));
    }

    [Fact]
    public void EmbedMarkers_KeepDimAndDtype()
    {
        var marker = new ShardMarker
        {
            JobId = "j", Shard = 0, Attempt = "a", Rows = 1, Failures = 0, EmbeddingDim = 384, Dtype = "float16", Files = [OutputLayout.Embeddings(0)],
        };

        var read = OutputJson.Deserialize<ShardMarker>(OutputJson.Serialize(marker));

        Assert.Equal((384, "float16"), (read.EmbeddingDim, read.Dtype));
    }
}
