using System.Net;
using System.Net.Sockets;

namespace Pipeline.Silo;

/// <summary>Tells a failed start that lost a port race (worth another attempt) from any other failure.</summary>
public static class AddressInUse
{
    public static bool IsCause(Exception? exception) => exception switch
    {
        null => false,
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        HttpListenerException { ErrorCode: 98 or 48 or 183 or 32 } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsCause),
        _ when exception.GetType().Name == "AddressInUseException" => true,
        _ when exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) => true,
        _ => IsCause(exception.InnerException),
    };
}
