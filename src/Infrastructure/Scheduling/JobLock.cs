using Hangfire;
using Hangfire.Server;
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

    public static async Task<JobLock> AcquireAsync(NpgsqlDataSource dataSource, string jobName, CancellationToken cancellationToken)
    {
        var key = "cleanwallet.job:" + jobName.ToLowerInvariant();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", connection)
            {
                // Waiting for the run on another node to finish can take as long as that run.
                CommandTimeout = 0,
            };
            command.Parameters.AddWithValue(key);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new JobLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _connection);
            command.Parameters.AddWithValue(_key);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
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
