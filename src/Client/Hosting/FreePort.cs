using System.Net;
using System.Net.Sockets;

namespace Pipeline.Client.Hosting;

/// <summary>A free loopback TCP port, so an embedded silo never clashes with another run on the same machine.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
