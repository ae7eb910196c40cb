using System.Reflection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Pipeline.Client.Commands;

/// <summary>
/// How a failed command ends: the message alone on stderr and exit 1. Environment and user errors (Azurite or node
/// missing, a bad path, an unreachable cluster, invalid settings) print just their message; anything else also names
/// its type, as it is a bug to report. <c>PIPELINE_DEBUG=1</c> adds the stack trace.
/// </summary>
public static class CliErrors
{
    public const string DebugVariable = "PIPELINE_DEBUG";

    public static int Report(Exception exception, TextWriter error)
    {
        var e = Unwrap(exception);
        if (e is OperationCanceledException)
            error.WriteLine("interrupted: in embedded mode the job stopped with this process (rerun with the same --job-id to resume); " +
                "a cluster's job keeps running (see 'pipeline status <job>').");
        else if (IsEnvironmentOrUserError(e))
            error.WriteLine($"error: {Describe(e)}");
        else
            error.WriteLine($"error: {e.Message} ({e.GetType().Name}; set {DebugVariable}=1 for the stack trace, and please report it)");
        if (Environment.GetEnvironmentVariable(DebugVariable) == "1") error.WriteLine(exception);
        return ExitCodes.FailedOrRefused;
    }

    public static bool IsEnvironmentOrUserError(Exception e) => e is InvalidOperationException or ArgumentException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or InvalidDataException
        or OptionsValidationException or TimeoutException or OrleansException or ConnectionFailedException or KeyNotFoundException;

    private static string Describe(Exception e) => e switch
    {
        SiloUnavailableException or ConnectionFailedException or OrleansMessageRejectionException or TimeoutException =>
            $"cannot reach the cluster ({e.Message}); check that pipeline-silo runs and that Pipeline__Cluster__* match its settings.",
        OptionsValidationException options => string.Join("; ", options.Failures),
        _ => e.Message,
    };

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }
}
