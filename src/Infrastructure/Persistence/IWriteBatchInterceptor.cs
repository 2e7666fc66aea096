using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// Sees the unit of work's hand-written write batch (<see cref="UnitOfWork.Write"/>): just before it is sent, just after
/// it ran and its rows were checked, or when the database refused it. When the batch carries the transaction's COMMIT (a
/// command whose every write is hand-written), "after" is after the server committed: throwing there is a commit whose
/// answer was lost. Throwing before fails the command with nothing sent. The batch bypasses EF Core's command
/// interceptors, so this is where a fault is injected around it and where its database errors are seen. None is
/// registered in production: tests register one to crash a command at those points or to record the errors it hit.
/// </summary>
public interface IWriteBatchInterceptor
{
    /// <summary>Before the batch is sent.</summary>
    Task BatchExecutingAsync(NpgsqlBatch batch, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After it ran (and, if it carried COMMIT, committed).</summary>
    Task BatchExecutedAsync(NpgsqlBatch batch, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The batch failed with <paramref name="exception"/> (which is rethrown afterwards).</summary>
    Task BatchFailedAsync(NpgsqlBatch batch, Exception exception, CancellationToken cancellationToken) => Task.CompletedTask;
}
