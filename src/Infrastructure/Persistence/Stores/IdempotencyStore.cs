using CleanWallet.Application.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence.Stores;

/// <summary>Runs on the command's own connection and transaction, so the claim commits with the effect.</summary>
internal sealed class IdempotencyStore(WalletDbContext db, UnitOfWork unitOfWork) : IIdempotencyStore
{
    public async Task<IdempotencyClaim> ClaimAsync(string owner, string key, string requestHash, string command, DateTimeOffset now, CancellationToken ct)
    {
        while (true)
        {
            // If another transaction holds an uncommitted claim on this key, PostgreSQL makes this INSERT wait for
            // it: after its commit we insert nothing and read its response; after its rollback our insert wins.
            // The same holds for the housekeeping job's uncommitted removal of an expired key: after it commits,
            // our insert wins.
            // A successful claim also returns the transaction's id, which the unit of work needs to look up the outcome
            // of a failed commit: one round trip for both (the claim is the transaction's first statement).
            var claimedBy = await unitOfWork.ScalarAsync(ClaimSql, [
                new NpgsqlParameter<string> { TypedValue = owner },
                new NpgsqlParameter<string> { TypedValue = key },
                new NpgsqlParameter<string> { TypedValue = requestHash },
                new NpgsqlParameter<string> { TypedValue = command },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
            ], ct);
            if (claimedBy is string transactionId)
            {
                unitOfWork.TransactionIdTaken(transactionId);
                return new IdempotencyClaim.Claimed();
            }

            if (await StoredAnswerAsync(owner, key, ct) is { } answer)
                return answer;

            // The key expired and the housekeeping job removed it between the two statements: it is forgotten, so this
            // request is a new one and claims the key afresh. (Only keys past their retention are removed, so a key
            // claimed afresh is not removed again: this loop ends.)
        }
    }

    public IDeferredClaim ClaimWithNextStatement(string owner, string key, string requestHash, string command, DateTimeOffset now)
    {
        var claim = new DeferredClaim(this, unitOfWork, db, owner, key, requestHash, command, now);
        db.PendingClaim = claim;
        return claim;
    }

    /// <summary>The answer of the committed request that owns the key, or null when the key is not there (any more).</summary>
    internal async Task<IdempotencyClaim.AlreadyCompleted?> StoredAnswerAsync(string owner, string key, CancellationToken ct)
    {
        var existing = await db.Database.SqlQuery<StoredKey>($"""
            SELECT request_hash AS "RequestHash", response_json AS "ResponseJson"
            FROM idempotency_keys WHERE owner = {owner} AND key = {key}
            """).SingleOrDefaultAsync(ct);
        return existing is null
            ? null
            : new IdempotencyClaim.AlreadyCompleted(existing.RequestHash, existing.ResponseJson
                ?? throw new InvalidOperationException("A committed idempotency key has no stored response."));
    }

    /// <summary>
    /// The response is written at commit with the command's other changes, in the same round trip (their SaveChanges
    /// batch, or the unit of work's hand-written write batch when the command tracked nothing), as an update of the row
    /// this transaction claimed: either way exactly that one row must be updated.
    /// </summary>
    public void StoreResponse(string owner, string key, string requestHash, string command, DateTimeOffset now, string responseJson) =>
        unitOfWork.StoreResponse(Record(owner, key, requestHash, command, now, responseJson), claimedAtCommit: false);

    /// <summary>The key's row as this request writes it: claimed with these values, answered with this response.</summary>
    internal static IdempotencyKeyRecord Record(string owner, string key, string requestHash, string command, DateTimeOffset now,
        string responseJson) =>
        new() { Owner = owner, Key = key, RequestHash = requestHash, Command = command, CreatedAt = now, ResponseJson = responseJson };

    public async Task ReplaceResponseAsync(string owner, string key, string responseJson, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync(
            $"UPDATE idempotency_keys SET response_json = {responseJson} WHERE owner = {owner} AND key = {key}", ct);

    /// <summary>A plain command (<see cref="UnitOfWork.ScalarAsync"/>): the claim runs once per money-moving request.</summary>
    private const string ClaimSql = """
        INSERT INTO idempotency_keys (owner, key, request_hash, command, created_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (owner, key) DO NOTHING
        RETURNING pg_current_xact_id()::text
        """;

    private sealed record StoredKey(string RequestHash, string? ResponseJson);
}
