namespace CleanWallet.Application.Common.Persistence;

/// <summary>The transaction boundary of one command. Implemented by Infrastructure over the database.</summary>
public interface IUnitOfWork
{
    Task BeginAsync(CancellationToken ct);

    /// <summary>
    /// Writes every pending change and commits the transaction. An error in the commit itself is ambiguous (the
    /// server may have committed before the answer was lost), so the database is asked what became of the
    /// transaction: committed → returns normally, as if the commit had answered; not committed → the original
    /// error is rethrown; not knowable → <see cref="CommitOutcomeUnknownException"/>.
    /// </summary>
    Task CommitAsync(CancellationToken ct);

    Task RollbackAsync();

    /// <summary>Forgets every tracked change, so a retried command starts from a clean slate.</summary>
    void DiscardChanges();

    /// <summary>
    /// Worth re-running the whole command: serialization failures, deadlocks and lock timeouts (a few times), and the
    /// failures of <see cref="IsUnavailableFailure"/> (for a bounded time).
    /// </summary>
    bool IsTransientFailure(Exception exception);

    /// <summary>
    /// The database cannot be reached, is restarting or refuses connections for now: worth re-running the command
    /// for a bounded time, since a restart is over in seconds.
    /// </summary>
    bool IsUnavailableFailure(Exception exception);

    /// <summary>
    /// The attempt was a speculation that did not hold (it started from a copy of a row, not the row read under its lock):
    /// run the command again at once, without counting it among the contention retries.
    /// </summary>
    bool IsRetryAtOnce(Exception exception);
}
