using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

public static class DatabaseFailures
{
    /// <summary>
    /// Serialization failures, deadlocks, lock timeouts, an idempotency key claimed at commit that another request
    /// committed first (<see cref="DeferredClaim"/>: run again, the command finds the key taken and replays its answer),
    /// and every <see cref="IsUnavailable"/> failure: worth re-running the whole unit of work. Only the database's own
    /// failures count: a socket error from the card gateway must not re-run a command (and call the gateway again) as if
    /// the database had hiccupped.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        IsUnavailable(exception) || FirstPostgresError(exception) is
        { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable }
        or { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdempotencyKeyIndex };

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

    private static PostgresException? FirstPostgresError(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
            if (ex is PostgresException pg)
                return pg;
        return null;
    }
}
