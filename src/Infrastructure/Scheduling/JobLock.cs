using CleanWallet.Infrastructure.Persistence;
using Npgsql;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>A session-level PostgreSQL advisory lock per job name, on a connection of its own.</summary>
internal sealed class JobLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private JobLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>
    /// The job's lock, waiting at most <paramref name="wait"/> for a run of the same job on any node to finish; null when
    /// that run still holds it then.
    /// </summary>
    public static async Task<JobLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string jobName, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var key = "cleanwallet.job:" + jobName.ToLowerInvariant();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await SessionAdvisoryLock.TryAcquireAsync(connection, key, wait, cancellationToken))
                return new JobLock(connection, key);
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
            await SessionAdvisoryLock.ReleaseAsync(_connection, _key);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection has lost its session, and its lock with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
