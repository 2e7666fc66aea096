using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// Sees the unit of work's hand-written write batch (<see cref="UnitOfWork.Write"/>) inside its transaction, before
/// COMMIT: after it ran and its rows were checked (throwing fails the command there, as a failed write would), or when
/// the database refused it. The batch bypasses EF Core's command interceptors, so this is where a fault is injected
/// between its writes and the commit, and where its database errors are seen. None is registered in production: tests
/// register one to crash a command half-way or to record the errors it hit.
/// </summary>
public interface IWriteBatchInterceptor
{
    Task BatchExecutedAsync(NpgsqlBatch batch, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The batch failed with <paramref name="exception"/> (which is rethrown afterwards).</summary>
    Task BatchFailedAsync(NpgsqlBatch batch, Exception exception, CancellationToken cancellationToken) => Task.CompletedTask;
}
