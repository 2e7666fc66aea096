using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

public static class DatabaseFailures
{
    /// <summary>
    /// Worth re-running the whole unit of work: every <see cref="IsContention"/> failure (it ran into other requests)
    /// and every <see cref="IsUnavailable"/> one. Only the database's own failures count: a socket error from the card
    /// gateway must not re-run a command (and call the gateway again) as if the database had hiccupped.
    /// </summary>
    public static bool IsTransient(Exception exception) => IsUnavailable(exception) || IsContention(exception);

    /// <summary>
    /// The command ran into other requests and nothing of it was kept: a serialization failure, a deadlock, a lock
    /// timeout, an idempotency key claimed at commit that another request committed first (<see cref="DeferredClaim"/>:
    /// run again, the command finds the key taken and replays its answer), a row that a guarded write expected and did
    /// not find as it was read (<see cref="GuardMiss"/>, or EF Core's concurrency check). Run again, the command reads
    /// the rows afresh. When the retries run out, the client is told to retry (409 <c>concurrent_update</c>).
    /// </summary>
    public static bool IsContention(Exception exception) =>
        FirstPostgresError(exception) is
            { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable or GuardMiss }
            or { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdempotencyKeyIndex }
        || FirstOf<DbUpdateConcurrencyException>(exception) is not null;

    /// <summary>
    /// The SQLSTATE of <c>expect_one_row</c> (migration 0023): a hand-written UPDATE wrote no row, or more than one, so
    /// the database refused its batch before the batch's COMMIT.
    /// </summary>
    public const string GuardMiss = "CW001";

    /// <summary>The unique index of <c>idempotency_keys</c> (owner, key): the one a claim made at commit can collide on.</summary>
    public const string IdempotencyKeyIndex = "idempotency_keys_pkey";

    /// <summary>
    /// The database cannot serve us right now, but will soon: the server cannot be reached (refused, reset, timed out),
    /// the connection dropped, it is shutting down or starting up ("the database system is starting up", 57P03), or it
    /// has no connection slot free.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is PostgresException pg)
                return pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
                       || pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
                           or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.TooManyConnections;
            if (ex is NpgsqlException npgsql)
                return npgsql.IsTransient; // I/O, socket and timeout errors under Npgsql's own exception
        }
        return false;
    }

    private static PostgresException? FirstPostgresError(Exception exception) => FirstOf<PostgresException>(exception);

    private static T? FirstOf<T>(Exception exception) where T : Exception
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
            if (ex is T found)
                return found;
        return null;
    }
}
