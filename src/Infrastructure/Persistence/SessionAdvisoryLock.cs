using System.Data;
using System.Globalization;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// A session-level PostgreSQL advisory lock on a named key (<c>hashtextextended(key, 0)</c>), held on a connection of its
/// own and taken with a bounded wait: the one way the integrity check and the job runner keep to one run at a time. The
/// lock goes with the session (a broken connection, a node that died); disposing lets it go at once.
/// </summary>
internal sealed class SessionAdvisoryLock : IAsyncDisposable
{
    private readonly string _key;

    private SessionAdvisoryLock(NpgsqlConnection connection, string key)
    {
        Connection = connection;
        _key = key;
    }

    /// <summary>The connection that holds the lock, for work done under it.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>
    /// Opens a connection of its own and takes the lock on it, waiting at most <paramref name="wait"/> for another session
    /// that holds it; null when that session still holds it then (the connection is closed again).
    /// </summary>
    public static async Task<SessionAdvisoryLock?> TryTakeAsync(NpgsqlDataSource dataSource, string key, TimeSpan wait, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            if (await TryAcquireAsync(connection, key, wait, ct))
                return new SessionAdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Connection.State == ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", Connection);
                unlock.Parameters.AddWithValue(_key);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection has lost its session, and its lock with it.
        }
        finally
        {
            // Also released when the connection is reset on its return to the pool.
            await Connection.DisposeAsync();
        }
    }

    /// <summary>
    /// How much longer than the lock wait the client waits for the lock statement's answer: the server ends the wait
    /// (lock_timeout), this only bounds a server that stopped answering.
    /// </summary>
    private const int LockCommandMarginSeconds = 30;

    /// <summary>
    /// Takes the lock on <paramref name="connection"/>, waiting at most <paramref name="wait"/>; false when another
    /// session still holds it then. The wait is the server's: <c>lock_timeout</c>, which bounds advisory lock waits too,
    /// set for one short transaction only (SET LOCAL: it never reaches the lock holder's later statements or the pooled
    /// connection's next user). A session advisory lock taken inside a transaction outlives its end. The server grants
    /// the lock the moment its holder lets go, without polling (<c>pg_try_advisory_lock</c> in a loop would add up to one
    /// poll interval of delay and a round trip per poll). No wait: one <c>pg_try_advisory_lock</c>.
    /// </summary>
    private static async Task<bool> TryAcquireAsync(NpgsqlConnection connection, string key, TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero)
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
            tryLock.Parameters.AddWithValue(key);
            return (bool)(await tryLock.ExecuteScalarAsync(ct))!;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var timeout = new NpgsqlCommand("SELECT set_config('lock_timeout', $1, true)", connection, transaction))
        {
            // lock_timeout in milliseconds (0 would mean no limit, hence at least 1).
            timeout.Parameters.AddWithValue(Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
            await timeout.ExecuteNonQueryAsync(ct);
        }
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", connection, transaction)
                     { CommandTimeout = (int)Math.Ceiling(wait.TotalSeconds) + LockCommandMarginSeconds })
        {
            lockCommand.Parameters.AddWithValue(key);
            try
            {
                await lockCommand.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return false;
            }
        }
        // Held from here on: not cancelled half-way (should the commit fail all the same, the lock goes with the broken
        // connection, or with the session reset when the connection returns to the pool).
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }
}
