using Pipeline.Storage.Commit;

namespace Pipeline.Storage.Tests.Commit;

public sealed class OutputLayoutTests
{
    [Fact]
    public void CommitKeys_FollowTheLayout()
    {
        Assert.Equal("_attempts/00042/01JAB-1/img_emb/img_emb_00042.npy", OutputLayout.Staged(42, "01JAB-1", OutputLayout.Embeddings(42)));
        Assert.Equal("_attempts/00042/01JAB-1/", OutputLayout.AttemptFolder(42, "01JAB-1"));
        Assert.Equal("_shards/00042.failed.json", OutputLayout.FailedMarker(42));
        Assert.Equal("_shards/00042.done.json", OutputLayout.Marker(42));
        Assert.Equal("_plan/_complete.json", OutputLayout.PlanComplete);
        Assert.Equal("_attempts/", OutputLayout.AttemptsFolder);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("ü")]
    public void AttemptIdsThatAreNotOneSafeSegment_AreRejected(string attemptId)
    {
        var error = Assert.Throws<ArgumentException>(() => OutputLayout.Staged(1, attemptId, "img_emb/img_emb_00001.npy"));

        Assert.Equal("attemptId", error.ParamName);
    }

    [Fact]
    public void InvalidFinalKeys_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => OutputLayout.Staged(1, "a", "../x"));
        Assert.Throws<ArgumentException>(() => OutputLayout.Staged(1, "a", "dir/"));
    }
}
