using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

public static class DatabaseFailures
{
    /// <summary>
    /// Serialization failures, deadlocks, lock timeouts and dropped connections: worth re-running the whole unit of work.
    /// Only the database's own failures count: a socket error from the card gateway must not re-run a command (and call
    /// the gateway again) as if the database had hiccupped.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is PostgresException pg)
                return pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                    or PostgresErrorCodes.LockNotAvailable;
            if (ex is NpgsqlException npgsql)
                return npgsql.IsTransient;
        }
        return false;
    }
}
