namespace Pipeline.Storage.Tests;

public sealed class StorageLocationTests
{
    [Fact]
    public void AzLocations_NameTheConfiguredAccount()
    {
        var location = StorageLocation.Parse("az://embeddings-2024/runs/r1/");

        Assert.Equal(new StorageLocation(StorageKind.AzureBlob, "embeddings-2024", "runs/r1", null, null), location);
        Assert.Equal("az://embeddings-2024/runs/r1", location.ToString());
        Assert.Equal("", StorageLocation.Parse("az://abc").Prefix);
    }

    [Fact]
    public void HttpsLocations_CarryTheAccountEndpoint_AndUnescapeThePrefix()
    {
        var location = StorageLocation.Parse("https://myacct.blob.core.windows.net/images/2024/my%20photos");

        Assert.Equal(StorageKind.AzureBlob, location.Kind);
        Assert.Equal("images", location.Container);
        Assert.Equal("2024/my photos", location.Prefix);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net/"), location.AccountUri);
        Assert.Equal("https://myacct.blob.core.windows.net/images/2024/my%20photos", location.ToString());
    }

    [Fact]
    public void AzuriteLocations_ArePathStyle()
    {
        var location = StorageLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/out/job-1");

        Assert.Equal("out", location.Container);
        Assert.Equal("job-1", location.Prefix);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/"), location.AccountUri);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/out/job-1", location.ToString());
    }

    [Fact]
    public void LocalPaths_BecomeAbsoluteFolders()
    {
        var location = StorageLocation.Parse("data/corpus/");

        Assert.Equal(StorageKind.Local, location.Kind);
        Assert.Equal(Path.Join(Directory.GetCurrentDirectory(), "data", "corpus"), location.LocalRoot);
        Assert.Equal("", location.Prefix);
        Assert.Equal("/srv/out", StorageLocation.Parse("file:///srv/out").LocalRoot);
        Assert.Equal("/srv/out", StorageLocation.Parse("/srv/x/../out").LocalRoot);
    }

    [Theory]
    [InlineData("az://embeddings/runs/r1")]
    [InlineData("az://abc")]
    [InlineData("https://acct.blob.core.windows.net/c-1/a/b c/ü")]
    [InlineData("https://acct.blob.core.windows.net/c-1")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/out/x")]
    [InlineData("http://localhost:10000/devstoreaccount1/out")]
    [InlineData("/srv/data/corpus")]
    [InlineData("/")]
    public void ToString_RoundTripsThroughParse(string text)
    {
        var location = StorageLocation.Parse(text);

        Assert.Equal(location, StorageLocation.Parse(location.ToString()));
    }

    [Fact]
    public void Combine_AppendsToThePrefixOrFolder()
    {
        Assert.Equal("az://c-1/jobs/j1/img_emb", StorageLocation.Parse("az://c-1/jobs").Combine("j1/img_emb/").ToString());
        Assert.Equal("az://c-1/j1", StorageLocation.Parse("az://c-1").Combine("j1").ToString());
        Assert.Equal("/srv/out/j1/index", StorageLocation.Parse("/srv/out").Combine("j1/index").ToString());
        var location = StorageLocation.Parse("https://acct.blob.core.windows.net/c-1/p");
        Assert.Same(location, location.Combine(""));
        Assert.Equal(location.AccountUri, location.Combine("q").AccountUri);
    }

    [Theory]
    [InlineData("../up")]
    [InlineData("a/../../up")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    public void Combine_RefusesPathsThatClimbOrAreAbsolute(string relative)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageLocation.Parse("az://c-1/jobs").Combine(relative));

        Assert.Contains(relative, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("az://", "Container name ''")]
    [InlineData("az://Embeddings/x", "lowercase")]
    [InlineData("az://ab/x", "3-63 characters")]
    [InlineData("az://a--b/x", "single hyphens")]
    [InlineData("az://-abc/x", "starting and ending with a letter or digit")]
    [InlineData("az://abc_d/x", "lowercase")]
    [InlineData("az://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x", "3-63 characters")]
    [InlineData("az://abc/../secrets", "'..' segment")]
    [InlineData("az://abc/a//b", "empty segment")]
    [InlineData("az://abc/a\\b", "use '/'")]
    [InlineData("https://acct.blob.core.windows.net/abc/x?sv=2024&sig=abc", "SAS tokens are not accepted")]
    [InlineData("http://acct.blob.core.windows.net/abc/x", "use https")]
    [InlineData("https://acct.blob.core.windows.net", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/abc/../x", "'..' segment")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", "names no account and container")]
    [InlineData("s3://bucket/key", "unsupported scheme 's3://'")]
    public void InvalidLocations_AreRefused_SayingWhatToFix(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageLocation.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
