using Azure;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pipeline.Storage;

/// <summary>
/// Which storage failures are worth another attempt: 408, 429 and 5xx answers, broken connections (status 0, I/O
/// errors), attempt timeouts and an open circuit. Never 404, 409 or 412: those are answers about the data (missing,
/// already exists, condition failed) and a retry would get the same answer.
/// </summary>
public static class TransientErrors
{
    /// <summary>Whether <paramref name="exception"/> is a transient storage failure.</summary>
    /// <param name="exception">The failure of one attempt.</param>
    /// <param name="callerCancelled">Whether the caller's own token was cancelled (then nothing is transient).</param>
    public static bool IsTransient(Exception? exception, bool callerCancelled = false) => exception switch
    {
        null => false,
        _ when callerCancelled => false,
        RequestFailedException { Status: 404 or 409 or 412 } => false,
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        RequestFailedException => false,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException or HttpRequestException or TimeoutException => true,
        TimeoutRejectedException or BrokenCircuitException => true,

        // HttpClient reports its own network timeout as a cancellation the caller did not ask for.
        OperationCanceledException => true,
        _ => false,
    };
}
