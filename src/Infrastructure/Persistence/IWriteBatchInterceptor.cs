using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// Sees the unit of work's hand-written write batch (<see cref="UnitOfWork.Write"/>) inside its transaction, after it ran
/// and its rows were checked, before COMMIT; throwing fails the command there, as a failed write would. The batch bypasses
/// EF Core's command interceptors, so this is where a fault is injected between its writes and the commit. None is
/// registered in production: tests register one to crash a command half-way.
/// </summary>
public interface IWriteBatchInterceptor
{
    Task BatchExecutedAsync(NpgsqlBatch batch, CancellationToken cancellationToken);
}
