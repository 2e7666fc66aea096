using System.Data.Common;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Infrastructure.Persistence.Stores;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// An idempotency claim made at commit. The key is looked up ahead of the transaction's next EF Core query, in the same
/// command (one round trip for the lookup and, say, the wallet's row lock): <see cref="Interceptor"/> puts the lookup in
/// front of the query's text and, once the command has run, reads the lookup's answer and hands EF Core the reader at the
/// query's own result. A free key is written once, whole, with its response, in the commit's batch
/// (<see cref="StoreResponse"/>), instead of being inserted first and updated with the response later. The lookup reads
/// and writes nothing else, so when the key is taken the query still ran (it only read or locked rows);
/// <see cref="OutcomeAsync"/> then discards what was tracked or queued since, and the stored answer is replayed.
/// <para>
/// A request that finds the key free while another request with the same key is still in flight meets it later: at its
/// wallet's row lock (the same request locks the same rows), after which a failure of the handler looks the key up again
/// (<see cref="OutcomeAsync"/>), or at the key's unique index in the commit batch, which fails the commit
/// (<see cref="DatabaseFailures.IsTransient"/>: the command runs again and its lookup finds the key taken). Nothing is
/// ever applied twice: the key and the effects commit in one transaction or not at all.
/// </para>
/// </summary>
internal sealed class DeferredClaim(
    IdempotencyStore store,
    UnitOfWork unitOfWork,
    WalletDbContext db,
    string owner,
    string key,
    string requestHash,
    string command,
    DateTimeOffset now) : IDeferredClaim
{
    private enum State
    {
        /// <summary>No query has carried the lookup yet.</summary>
        Pending,

        /// <summary>Sent; its answer has not been read (the command failed if it stays so).</summary>
        Sent,

        /// <summary>No committed request had the key when it was looked up: it is to be claimed at commit.</summary>
        Free,

        /// <summary>A committed request owns the key (<see cref="_answer"/>).</summary>
        Taken,

        /// <summary>Claimed on its own (no query carried the lookup): the row exists, its response is an update.</summary>
        ClaimedAlready,
    }

    /// <summary>
    /// One row whatever the key's fate: the transaction's id (asking for it assigns one; the unit of work needs it to look
    /// up the outcome of a failed commit), and the committed request's hash and answer if the key is taken.
    /// </summary>
    private const string Sql = """
        SELECT pg_current_xact_id()::text, k.request_hash, k.response_json
        FROM (VALUES (1)) AS here (one)
        LEFT JOIN idempotency_keys k ON k.owner = @cw_claim_owner AND k.key = @cw_claim_key
        """;

    private State _state;
    private IdempotencyClaim.AlreadyCompleted? _answer;

    /// <summary>The command that carries the lookup: only its reader holds the lookup's answer.</summary>
    private DbCommand? _carrier;

    public async Task<IdempotencyClaim> OutcomeAsync(bool handlerFailed, CancellationToken ct)
    {
        Detach();
        switch (_state)
        {
            case State.Pending:
                // The handler ran no query (it failed before one, or needed none): the key is claimed on its own.
                var claimed = await store.ClaimAsync(owner, key, requestHash, command, now, ct);
                if (claimed is IdempotencyClaim.Claimed)
                    _state = State.ClaimedAlready;
                return claimed;
            case State.Taken:
                unitOfWork.DiscardChanges();
                return _answer!;
            case State.Free when handlerFailed:
                // A request with the same key may have committed while this one waited for the locks it then failed on
                // (money it had already spent): if so, its answer is this request's answer.
                if (await store.StoredAnswerAsync(owner, key, ct) is { } answer)
                {
                    unitOfWork.DiscardChanges();
                    return answer;
                }
                return new IdempotencyClaim.Claimed();
            case State.Free or State.ClaimedAlready:
                return new IdempotencyClaim.Claimed();
            default:
                throw new InvalidOperationException("The statement that carried the idempotency key's lookup failed; its outcome is unknown.");
        }
    }

    /// <summary>No query has carried the lookup yet, so the command may still write the key without one (<see cref="SkipLookup"/>).</summary>
    internal bool CanSkipLookup => _state is State.Pending;

    /// <summary>
    /// The command reads nothing before its commit (it starts from a wallet snapshot, <see cref="UnitOfWork.TrySnapshotForMovement"/>):
    /// the key is written at commit as if the lookup had found it free. A key another request committed then fails the
    /// commit on its unique index, and the command runs again, looking it up.
    /// </summary>
    internal void SkipLookup()
    {
        if (_state is not State.Pending)
            throw new InvalidOperationException($"The idempotency key's lookup is already {_state}.");
        Detach();
        _state = State.Free;
    }

    public void StoreResponse(string responseJson)
    {
        if (_state is not (State.Free or State.ClaimedAlready))
            throw new InvalidOperationException($"The idempotency key is not this request's to answer (the claim is {_state}).");
        unitOfWork.StoreResponse(IdempotencyStore.Record(owner, key, requestHash, command, now, responseJson),
            claimedAtCommit: _state is State.Free);
    }

    private void Detach()
    {
        if (ReferenceEquals(db.PendingClaim, this))
            db.PendingClaim = null;
    }

    private void PrependTo(DbCommand query)
    {
        query.CommandText = Sql + ";\n" + query.CommandText;
        query.Parameters.Add(new NpgsqlParameter<string>("cw_claim_owner", owner));
        query.Parameters.Add(new NpgsqlParameter<string>("cw_claim_key", key));
        _carrier = query;
        _state = State.Sent;
    }

    /// <summary>Reads the lookup's one row (the transaction's id; the committed answer, if any) and moves to the query's result.</summary>
    private async Task ReadAnswerAsync(DbDataReader reader, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct))
            throw new InvalidOperationException("The idempotency key's lookup returned no row.");
        unitOfWork.TransactionIdTaken(reader.GetString(0));
        if (await reader.IsDBNullAsync(1, ct))
        {
            _state = State.Free;
        }
        else
        {
            _answer = new IdempotencyClaim.AlreadyCompleted(reader.GetString(1), await reader.IsDBNullAsync(2, ct)
                ? throw new InvalidOperationException("A committed idempotency key has no stored response.")
                : reader.GetString(2));
            _state = State.Taken;
        }
        await reader.NextResultAsync(ct);
    }

    /// <summary>
    /// Registered once on the DbContext options, after <see cref="RowLocking.Interceptor"/> (which looks for its tag at the
    /// start of the text). Only LINQ and raw-SQL queries carry the lookup: a write or SaveChanges while it is pending would
    /// write outside the unit of work's commit, which an <see cref="Application.Common.Messaging.IDatabaseOnlyCommand"/>
    /// never does.
    /// </summary>
    public sealed class Interceptor : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (PendingOf(eventData) is { } claim)
            {
                if (eventData.CommandSource is not (CommandSource.LinqQuery or CommandSource.FromSqlQuery))
                    throw WriteBeforeClaim(eventData);
                claim.PrependTo(command);
            }
            return ValueTask.FromResult(result);
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
            DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is WalletDbContext { PendingClaim: { _state: State.Sent } claim } context
                && ReferenceEquals(claim._carrier, command))
            {
                context.PendingClaim = null;
                await claim.ReadAnswerAsync(result, cancellationToken);
            }
            return result;
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result) =>
            PendingOf(eventData) is null ? result : throw SynchronousQuery();

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            PendingOf(eventData) is null ? ValueTask.FromResult(result) : throw WriteBeforeClaim(eventData);

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
            PendingOf(eventData) is null ? ValueTask.FromResult(result) : throw WriteBeforeClaim(eventData);

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
            PendingOf(eventData) is null ? result : throw SynchronousQuery();

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result) =>
            PendingOf(eventData) is null ? result : throw SynchronousQuery();

        private static DeferredClaim? PendingOf(CommandEventData eventData) =>
            eventData.Context is WalletDbContext { PendingClaim: { _state: State.Pending } claim } ? claim : null;

        private static InvalidOperationException WriteBeforeClaim(CommandEventData eventData) =>
            new($"A {eventData.CommandSource} command ran before the idempotency key's lookup it would have had to follow; a database-only command only queries until it returns.");

        private static InvalidOperationException SynchronousQuery() =>
            new("A synchronous query cannot carry a pending idempotency key lookup.");
    }
}
