namespace CleanWallet.Application.Common.Persistence;

/// <summary>The transaction boundary of one command. Implemented by Infrastructure over the database.</summary>
public interface IUnitOfWork
{
    Task BeginAsync(CancellationToken ct);

    /// <summary>Writes every pending change and commits the transaction.</summary>
    Task CommitAsync(CancellationToken ct);

    Task RollbackAsync();

    /// <summary>Forgets every tracked change, so a retried command starts from a clean slate.</summary>
    void DiscardChanges();

    /// <summary>Serialization failures, deadlocks and dropped connections: worth retrying the whole command.</summary>
    bool IsTransientFailure(Exception exception);
}
