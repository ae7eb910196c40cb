using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// Turns a TestingHost kill into a silent crash. <c>KillSiloAsync</c> stops a silo ungracefully, but its membership
/// agent still writes Stopping and then Dead for itself, so the cluster learns of the death at once. A process that
/// is killed -9 writes nothing: the survivors must miss its probes and vote it dead. Once <see cref="Crash"/> is
/// called, this silo's writes to the membership table are dropped, which is what the survivors see of a crashed process.
/// </summary>
public sealed class SilentCrash
{
    private volatile bool crashed;

    public bool Crashed => crashed;

    public void Crash() => crashed = true;

    /// <summary>
    /// Registers the decorator around the table TestingHost registers. The host's registrations run after every
    /// configuration delegate, so the decoration happens when the container is built, where the last registration is known.
    /// </summary>
    public void Install(Microsoft.Extensions.Hosting.IHostApplicationBuilder host) => host.ConfigureContainer(new Factory(this));

    private sealed class Factory(SilentCrash crash) : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable));
            if (registered?.ImplementationInstance is IMembershipTable table)
                services.AddSingleton<IMembershipTable>(new Table(table, crash));
            return services;
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) =>
            containerBuilder.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private sealed class Table(IMembershipTable inner, SilentCrash crash) : IMembershipTable
    {
        // A crashed silo's writes are lost, yet they must not fail or hang: the stopping silo retries failed status
        // writes, which would turn the kill into a wait. Dropped writes "succeed" and change nothing.
        private Task Write(Func<Task> write) => crash.Crashed ? Task.CompletedTask : write();

        private Task<bool> Write(Func<Task<bool>> write) => crash.Crashed ? Task.FromResult(true) : write();

        public Task InitializeMembershipTable(bool tryInitTableVersion) => inner.InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);
        public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) => inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);
        public Task DeleteMembershipTableEntries(string clusterId) => Write(() => inner.DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None));
        public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) => Write(() => inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken));
        public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => Write(() => inner.CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None));
        public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) => Write(() => inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken));
        public Task<MembershipTableData> ReadRow(SiloAddress key) => inner.ReadRowAsync(key, CancellationToken.None);
        public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => inner.ReadRowAsync(key, cancellationToken);
        public Task<MembershipTableData> ReadAll() => inner.ReadAllAsync(CancellationToken.None);
        public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);
        public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => Write(() => inner.InsertRowAsync(entry, tableVersion, CancellationToken.None));
        public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) => Write(() => inner.InsertRowAsync(entry, tableVersion, cancellationToken));
        public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => Write(() => inner.UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None));
        public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) => Write(() => inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken));
        public Task UpdateIAmAlive(MembershipEntry entry) => Write(() => inner.UpdateIAmAliveAsync(entry, CancellationToken.None));
        public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => Write(() => inner.UpdateIAmAliveAsync(entry, cancellationToken));
    }
}
