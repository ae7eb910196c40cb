using Azure;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pipeline.Storage.Tests.Resilience;

public sealed class TransientErrorsTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void ServiceAnswers_AreTransientOnlyForTimeoutsThrottlingAndServerErrors(int status, bool transient)
    {
        Assert.True(
            TransientErrors.IsTransient(new RequestFailedException(status, "x")) == transient,
            $"status {status}: expected transient={transient}");
    }

    [Fact]
    public void NetworkFailuresAndTimeouts_AreTransient_MissingFilesAreNot()
    {
        Assert.True(TransientErrors.IsTransient(new IOException("reset")), "IOException");
        Assert.True(TransientErrors.IsTransient(new HttpRequestException("refused")), "HttpRequestException");
        Assert.True(TransientErrors.IsTransient(new TimeoutRejectedException()), "attempt timeout");
        Assert.True(TransientErrors.IsTransient(new BrokenCircuitException()), "open circuit");
        Assert.True(TransientErrors.IsTransient(new TaskCanceledException("HttpClient timeout")), "network timeout");
        Assert.False(TransientErrors.IsTransient(new FileNotFoundException("gone")), "FileNotFoundException");
        Assert.False(TransientErrors.IsTransient(new ArgumentException("bad key")), "ArgumentException");
        Assert.False(TransientErrors.IsTransient(null), "no exception");
    }

    [Fact]
    public void NothingIsTransient_OnceTheCallerCancelled()
    {
        Assert.False(TransientErrors.IsTransient(new OperationCanceledException(), callerCancelled: true));
        Assert.False(TransientErrors.IsTransient(new RequestFailedException(503, "busy"), callerCancelled: true));
    }
}
