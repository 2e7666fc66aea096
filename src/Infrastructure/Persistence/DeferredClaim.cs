using System.Data.Common;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Infrastructure.Persistence.Stores;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// An idempotency claim that goes ahead of the transaction's next EF Core query, in the same command (one round trip for
/// the claim and, say, the wallet's row lock). <see cref="Interceptor"/> puts the claim's INSERT in front of the query's
/// text and, once the command has run, reads the claim's answer and hands EF Core the reader at the query's own result.
/// If the key is taken, the query still ran (it only read or locked rows); <see cref="OutcomeAsync"/> then reads the
/// stored answer and, only if there is one, discards what was tracked since, so nothing of the attempt is written.
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
        /// <summary>No query has carried it yet.</summary>
        Pending,

        /// <summary>Sent; its answer has not been read (the command failed if it stays so).</summary>
        Sent,
        Claimed,
        Taken,
    }

    private static readonly string Sql = IdempotencyStore.ClaimStatement(
        "@cw_claim_owner", "@cw_claim_key", "@cw_claim_request_hash", "@cw_claim_command", "@cw_claim_created_at");

    private State _state;

    /// <summary>The command that carries the claim: only its reader holds the claim's answer.</summary>
    private DbCommand? _carrier;

    public async Task<IdempotencyClaim> OutcomeAsync(CancellationToken ct)
    {
        Detach();
        switch (_state)
        {
            case State.Pending:
                // The handler ran no query (it failed before one, or needed none): the claim goes on its own.
                return await store.ClaimAsync(owner, key, requestHash, command, now, ct);
            case State.Claimed:
                return new IdempotencyClaim.Claimed();
            case State.Taken:
                if (await store.StoredAnswerAsync(owner, key, ct) is { } answer)
                {
                    unitOfWork.DiscardChanges();
                    return answer;
                }
                // The key expired and was removed since the claim found it: this request is a new one, and claims it afresh
                // in the same transaction, keeping what the handler did.
                return await store.ClaimAsync(owner, key, requestHash, command, now, ct);
            default:
                throw new InvalidOperationException("The statement that carried the idempotency claim failed; its outcome is unknown.");
        }
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
        query.Parameters.Add(new NpgsqlParameter<string>("cw_claim_request_hash", requestHash));
        query.Parameters.Add(new NpgsqlParameter<string>("cw_claim_command", command));
        query.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cw_claim_created_at", now));
        _carrier = query;
        _state = State.Sent;
    }

    /// <summary>Reads the claim's answer (a row: claimed, with the transaction's id; none: taken) and moves to the query's result.</summary>
    private async Task ReadAnswerAsync(DbDataReader reader, CancellationToken ct)
    {
        if (await reader.ReadAsync(ct))
        {
            unitOfWork.TransactionIdTaken(reader.GetString(0));
            _state = State.Claimed;
        }
        else
        {
            _state = State.Taken;
        }
        await reader.NextResultAsync(ct);
    }

    /// <summary>
    /// Registered once on the DbContext options, after <see cref="RowLocking.Interceptor"/> (which looks for its tag at the
    /// start of the text). Only LINQ and raw-SQL queries carry a claim: a write or SaveChanges while one is pending would
    /// write before the claim, which an <see cref="Application.Common.Messaging.IDatabaseOnlyCommand"/> never does.
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
            new($"A {eventData.CommandSource} command ran before the idempotency claim it would have had to follow; a database-only command only queries until it returns.");

        private static InvalidOperationException SynchronousQuery() =>
            new("A synchronous query cannot carry a pending idempotency claim.");
    }
}
