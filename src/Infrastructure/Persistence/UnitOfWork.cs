using CleanWallet.Application.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

internal sealed class UnitOfWork(WalletDbContext db, CommitOutcomeProbe probe, DeadConnectionSweeper sweeper, ILogger<UnitOfWork> logger)
    : IUnitOfWork
{
    private IDbContextTransaction? _transaction;
    private string? _transactionId;

    public async Task BeginAsync(CancellationToken ct)
    {
        // SaveChanges would otherwise wrap its batch in a savepoint (two more round trips) so that a failed batch could
        // be retried inside the transaction. Nothing here retries inside a transaction: any failure rolls it all back.
        db.Database.AutoSavepointsEnabled = false;
        _transactionId = null;
        db.PendingClaim = null;
        // Npgsql sends BEGIN with the transaction's first statement, not on its own.
        _transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
    }

    /// <summary>
    /// The id a statement of this transaction returned for it (the idempotency claim asks for it with the claim itself,
    /// so an idempotent command pays no round trip of its own for it).
    /// </summary>
    internal void TransactionIdTaken(string transactionId) => _transactionId = transactionId;

    /// <summary>
    /// Runs a plain command (positional parameters <c>$1…</c>) in this transaction and returns its first value: for hot
    /// statements that EF Core would parse and look up as raw SQL on every call. It does not pass EF Core's interceptors.
    /// </summary>
    internal async Task<object?> ScalarAsync(string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)_transaction!.GetDbTransaction());
        command.Parameters.AddRange(parameters);
        try
        {
            return await command.ExecuteScalarAsync(ct);
        }
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            sweeper.Sweep(ex);
            throw;
        }
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        // Commands that claimed no idempotency key (jobs, commands sent without a key, replays) take it here.
        _transactionId ??= await TransactionIdAsync(ct);
        await db.SaveChangesAsync(ct);
        var transactionId = _transactionId;
        try
        {
            await _transaction!.CommitAsync(ct);
        }
        catch (Exception commitFailure)
        {
            // Ends the transaction if it is still open on a live connection, so that its status can only be final.
            await RollbackAsync();
            switch (await probe.StatusAsync(transactionId!))
            {
                case CommitOutcome.Committed:
                    logger.LogWarning(commitFailure,
                        "The commit of transaction {TransactionId} reported a failure but the database committed it; answering as committed",
                        transactionId);
                    return;
                case CommitOutcome.Aborted:
                    throw;
                default:
                    throw new CommitOutcomeUnknownException(commitFailure);
            }
        }
        await DisposeTransactionAsync();
    }

    public async Task RollbackAsync()
    {
        if (_transaction is null)
            return;
        try
        {
            await _transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is already broken (the server has rolled back for us), or the transaction has completed.
        }
        await DisposeTransactionAsync();
    }

    public void DiscardChanges() => db.ChangeTracker.Clear();

    public bool IsTransientFailure(Exception exception) => DatabaseFailures.IsTransient(exception);

    public bool IsUnavailableFailure(Exception exception) => DatabaseFailures.IsUnavailable(exception);

    /// <summary>
    /// The id of the transaction (asking for it assigns one), so that a failed commit can be looked up afterwards. An
    /// idempotent command learns it from its claim, the transaction's first statement (<see cref="TransactionIdTaken"/>);
    /// any other command pays this one statement before its changes are written.
    /// </summary>
    private async Task<string> TransactionIdAsync(CancellationToken ct)
    {
        // A plain command on the transaction's connection: no LINQ query to compile or cache for one scalar.
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = _transaction!.GetDbTransaction();
        command.CommandText = "SELECT pg_current_xact_id()::text";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task DisposeTransactionAsync()
    {
        if (_transaction is not null)
        {
            try
            {
                await _transaction.DisposeAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // Disposing a transaction on a broken connection: nothing left to release.
            }
        }
        _transaction = null;
        _transactionId = null;
        db.PendingClaim = null;
    }
}
