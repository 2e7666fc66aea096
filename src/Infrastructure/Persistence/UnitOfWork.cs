using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

internal sealed class UnitOfWork(
    WalletDbContext db,
    CommitOutcomeProbe probe,
    DeadConnectionSweeper sweeper,
    WalletSnapshots snapshots,
    IOptions<TransactionOptions> options,
    IEnumerable<IWriteBatchInterceptor> batchInterceptors,
    ILogger<UnitOfWork> logger)
    : IUnitOfWork
{
    private readonly IWriteBatchInterceptor[] _batchInterceptors = batchInterceptors as IWriteBatchInterceptor[] ?? [.. batchInterceptors];

    /// <summary>The hand-written writes of this transaction (<see cref="Write"/>), sent as one batch before COMMIT.</summary>
    private readonly List<NpgsqlBatchCommand> _writes = [];

    /// <summary>Entities loaded untracked for update, with the columns their guarded UPDATE expects (<see cref="Loaded"/>).</summary>
    private readonly Dictionary<object, object?[]> _loaded = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// This attempt started from a wallet snapshot (<see cref="TrySnapshotForMovement"/>): it has read nothing under a lock,
    /// so any failure of it, a handler's refusal included, is answered by running the command again, reading the rows.
    /// </summary>
    private bool _speculating;

    /// <summary>The command has made its one attempt from a snapshot: its later attempts read the rows under their locks.</summary>
    private bool _speculated;

    /// <summary>The idempotency key's response, written with the command's other changes at commit.</summary>
    private IdempotencyKeyRecord? _response;

    /// <summary>Whether <see cref="_response"/> is the key's first write (a claim made at commit) or an update of its claimed row.</summary>
    private bool _responseClaimsKey;

    private IDbContextTransaction? _transaction;
    private string? _transactionId;

    public async Task BeginAsync(CancellationToken ct)
    {
        // SaveChanges would otherwise wrap its batch in a savepoint (two more round trips) so that a failed batch could
        // be retried inside the transaction. Nothing here retries inside a transaction: any failure rolls it all back.
        db.Database.AutoSavepointsEnabled = false;
        _transactionId = null;
        db.PendingClaim = null;
        _speculating = false;
        ForgetWrites();
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

    /// <summary>
    /// Queues a hand-written write (<see cref="ModelRowStatements"/>) of this transaction. The queued writes are sent at
    /// commit in one batch, in the order queued, and each must touch exactly one row. They bypass EF Core's change tracker:
    /// an entity written this way must not also be tracked (a store loads it untracked), and rows that reference each other
    /// go the same way, all queued or all tracked.
    /// </summary>
    internal void Write(NpgsqlBatchCommand statement) => _writes.Add(statement);

    /// <summary>
    /// Remembers an entity loaded untracked for update, with the columns its guarded UPDATE
    /// (<see cref="ModelRowStatements.UpdateIfUnchanged"/>) will expect to find (<see cref="LoadedImageOf"/>).
    /// </summary>
    internal void Loaded(object entity, object?[] image) => _loaded[entity] = image;

    /// <summary>The columns remembered for <paramref name="entity"/> when this transaction loaded it.</summary>
    internal object?[] LoadedImageOf(object entity) =>
        _loaded.TryGetValue(entity, out var image)
            ? image
            : throw new InvalidOperationException($"This {entity.GetType().Name} was not loaded for update in this transaction.");

    /// <summary>
    /// The wallet as this process last committed it (<see cref="WalletSnapshots"/>), for a money movement that then takes
    /// the wallet's row lock with its guarded UPDATE at commit instead of reading the row under it first; or null, and the
    /// caller reads the row under its lock. Only a command whose idempotency key is still to be looked up, with its first
    /// query (<see cref="DeferredClaim"/>), starts from a snapshot, once: the key is then written at commit without a
    /// lookup (its unique index refuses a key already taken, and the command runs again), and the command's other
    /// attempts read the rows.
    /// </summary>
    internal Wallet? TrySnapshotForMovement(Guid walletId) => TrySnapshotsForMovement(walletId)?[0];

    /// <summary>
    /// As <see cref="TrySnapshotForMovement"/>, for a movement of several wallets (a transfer's two): the copies of all of
    /// them, in the order asked, or null (none is taken) when one has none, and the caller reads the rows under their locks.
    /// </summary>
    internal Wallet[]? TrySnapshotsForMovement(params ReadOnlySpan<Guid> walletIds)
    {
        if (!options.Value.WalletSnapshots || _speculated || _transaction is null || db.PendingClaim is not { } claim
            || !claim.CanSkipLookup)
            return null;
        if (snapshots.Take(walletIds) is not { } wallets)
            return null;
        claim.SkipLookup();
        _speculating = _speculated = true;
        return wallets;
    }

    /// <summary>
    /// Stores the idempotency key's response with the command's other changes, in the same round trip: kept as data until
    /// commit, then the key's INSERT (<paramref name="claimedAtCommit"/>: the claim is made by this very write, so a key
    /// another transaction committed meanwhile fails the commit on its unique index) or an update of the row this
    /// transaction claimed.
    /// </summary>
    internal void StoreResponse(IdempotencyKeyRecord response, bool claimedAtCommit)
    {
        _response = response;
        _responseClaimsKey = claimedAtCommit;
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        // Commands that claimed no idempotency key (jobs, commands sent without a key, replays) take it here. One that
        // started from a snapshot needs none: see the failure below.
        if (!_speculating)
            _transactionId ??= await TransactionIdAsync(ct);
        var transactionId = _transactionId;
        var commitSent = false;
        try
        {
            // A command whose every write is hand-written sends its COMMIT in the same batch (one round trip, and the
            // rows it locked are released one round trip sooner); any other commits on its own after SaveChanges.
            if (await WriteAsync(() => commitSent = true, ct))
            {
                await ForgetCommittedTransactionAsync();
                KeepWalletSnapshots();
                return;
            }
            commitSent = true;
            await _transaction!.CommitAsync(ct);
        }
        catch (Exception commitFailure) when (commitSent && !RefusedByTheServer(commitFailure))
        {
            // A lost connection means the database may have restarted: its other pooled connections are dead too.
            sweeper.Sweep(commitFailure);
            // Ends the transaction if it is still open on a live connection, so that its status can only be final.
            await RollbackAsync();
            // A command that started from a snapshot has an idempotency key claimed at commit and no transaction id: it
            // is run again (IsRetryAtOnce), and its key answers for the lost commit. If the commit took effect, the key is
            // taken and its stored response (this very answer) is replayed; if not, the command runs once, reading the
            // rows; if the lost transaction is still in flight, its key's unique index makes one of the two fail.
            if (_speculating)
                throw;
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
        KeepWalletSnapshots();
    }

    /// <summary>
    /// The wallets this transaction loaded for a movement are now as it committed them: the next movement of each in this
    /// process may start from that copy (<see cref="TrySnapshotForMovement"/>). Only on a commit that answered: after a
    /// failed one the copies are dropped.
    /// </summary>
    private void KeepWalletSnapshots()
    {
        if (!options.Value.WalletSnapshots)
            return;
        foreach (var entity in _loaded.Keys)
            if (entity is Wallet wallet)
                snapshots.Keep(wallet);
        _loaded.Clear();
    }

    /// <summary>
    /// The server answered a statement of the batch with an ERROR: that statement failed and nothing after it ran, the
    /// batch's COMMIT included (an error of the COMMIT itself is its rollback), so nothing was committed and the failure is
    /// an ordinary one. Anything else after the COMMIT was sent (a lost connection, a FATAL) leaves the outcome open.
    /// </summary>
    private static bool RefusedByTheServer(Exception failure) => failure is PostgresException { Severity: "ERROR" };

    public async Task RollbackAsync()
    {
        ForgetWrites();
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

    public void DiscardChanges()
    {
        db.ChangeTracker.Clear();
        ForgetWrites();
    }

    public bool IsTransientFailure(Exception exception) => DatabaseFailures.IsTransient(exception);

    /// <summary>
    /// The attempt started from a wallet snapshot (<see cref="TrySnapshotForMovement"/>): whatever it failed on (a guard
    /// that found the row changed, a refusal decided on the copy, a key already taken, a lost commit), the command runs
    /// again at once, reading the rows under their locks.
    /// </summary>
    public bool IsRetryAtOnce(Exception exception) => _speculating;

    public bool IsUnavailableFailure(Exception exception) => DatabaseFailures.IsUnavailable(exception);

    /// <summary>
    /// Writes every pending change, the stored response with them: the queued hand-written writes in one batch, the tracked
    /// changes in one SaveChanges batch. A command with tracked changes (every command but the hand-written money
    /// movements) stores its response through EF Core as before and is committed afterwards; one without puts the response
    /// and the COMMIT in its batch (<paramref name="sendingCommit"/> is called just before), and true is returned: the
    /// transaction is then committed. So a command of either kind writes in one round trip; one with both (an admin's
    /// transfer or hold: its audit entry is tracked) sends the batch first, then SaveChanges with the response, then COMMIT.
    /// </summary>
    private async Task<bool> WriteAsync(Action sendingCommit, CancellationToken ct)
    {
        var tracked = db.ChangeTracker.HasChanges(); // detects changes: SaveChanges need not do it again below
        var response = _response;
        if (response is not null && !tracked)
        {
            var statements = ModelRowStatements.For<IdempotencyKeyRecord>(db);
            _writes.Add(_responseClaimsKey ? statements.Insert(response) : statements.Update(response));
        }
        if (_writes.Count > 0)
        {
            if (!tracked)
            {
                sendingCommit();
                await ExecuteWritesAsync(withCommit: true, ct);
                return true;
            }
            await ExecuteWritesAsync(withCommit: false, ct);
        }
        if (!tracked)
            return false;
        if (response is not null && _responseClaimsKey)
            db.Add(response);
        else if (response is not null)
            db.Attach(response).Property(r => r.ResponseJson).IsModified = true;
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        return false;
    }

    /// <summary>
    /// Sends the queued writes in one batch on the transaction's connection, followed by COMMIT when
    /// <paramref name="withCommit"/>. Each write must have touched exactly one row: an update that found none (its row
    /// gone, or its guard no longer holding) fails the command, as EF Core's concurrency check does for SaveChanges. A
    /// COMMIT after such a write would have committed it, so the rows are checked in the database, in the same batch:
    /// a write that touched other than one row makes the batch fail before its COMMIT.
    /// </summary>
    private async Task ExecuteWritesAsync(bool withCommit, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)_transaction!.GetDbTransaction());
        foreach (var write in _writes)
            batch.BatchCommands.Add(write);
        _writes.Clear();
        var commit = withCommit ? new NpgsqlBatchCommand("COMMIT") : null;
        if (commit is not null)
            batch.BatchCommands.Add(commit);
        foreach (var interceptor in _batchInterceptors)
            await interceptor.BatchExecutingAsync(batch, ct);
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (Exception ex)
        {
            sweeper.Sweep(ex); // empties the pools only when the database was unavailable
            foreach (var interceptor in _batchInterceptors)
                await interceptor.BatchFailedAsync(batch, ex, CancellationToken.None);
            throw;
        }
        foreach (NpgsqlBatchCommand write in batch.BatchCommands)
        {
            if (ReferenceEquals(write, commit))
                continue;
            // An UPDATE is sent as a query over what it wrote (ModelRowStatements.UpdateText): its one row is the check.
            // Unreachable by construction (an INSERT writes its row or fails; an UPDATE that misses fails before the
            // COMMIT, as a GuardMiss): a miss here is a bug, after a batch that may have carried its COMMIT, so it is not
            // a concurrency failure to run again (DatabaseFailures.IsContention) but an error.
            var touched = write.StatementType == StatementType.Select ? (long)write.Rows : write.RecordsAffected;
            if (touched != 1)
                throw new InvalidOperationException(
                    $"A hand-written write was expected to touch exactly one row but touched {touched}: {write.CommandText}");
        }
        foreach (var interceptor in _batchInterceptors)
            await interceptor.BatchExecutedAsync(batch, ct);
    }

    /// <summary>A retried command starts from a clean slate: nothing queued, nothing remembered, no response.</summary>
    private void ForgetWrites()
    {
        _writes.Clear();
        _loaded.Clear();
        _response = null;
        _responseClaimsKey = false;
    }

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

    /// <summary>
    /// Lets go of a transaction that its write batch committed on the server: Npgsql saw the server leave the transaction
    /// (it then counts it completed), so disposing it sends nothing.
    /// </summary>
    private async Task ForgetCommittedTransactionAsync()
    {
        await DisposeTransactionAsync();
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
