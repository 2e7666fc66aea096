using CleanWallet.LocalPostgres;
using Npgsql;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, unless <c>ConnectionStrings__Wallet</c> names a
/// database to use instead (its application tables are emptied between tests).
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private LocalPostgresCluster? _cluster;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Wallet");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"cw-tests-{Guid.NewGuid():N}");
        _cluster = await LocalPostgresCluster.StartAsync(dataDirectory, ephemeral: true, fastUnsafe: true);
        await _cluster.EnsureDatabaseAsync("cleanwallet_tests");
        ConnectionString = _cluster.ConnectionString("cleanwallet_tests") + ";Maximum Pool Size=120";
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    /// <summary>
    /// Empties every application table (the Respawn stand-in); the schema, its migrations and the Data Protection key ring
    /// (running test hosts hold its keys) stay. Hangfire's schema is not truncated: its schema version, server roll, locks
    /// and recurring schedule must stay for servers that are running or about to start (a Respawn replacement must keep
    /// to SchemasToInclude = public). Only its queued and finished background jobs are deleted, so a job one test queued
    /// is never run in the next.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(tablename) FROM pg_tables
            WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'data_protection_keys')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        await using (var hangfireJobs = new NpgsqlCommand("""
            DO $$
            BEGIN
                IF to_regclass('hangfire.job') IS NOT NULL THEN
                    DELETE FROM hangfire.jobqueue;
                    DELETE FROM hangfire.job;
                END IF;
            END $$
            """, connection))
            await hangfireJobs.ExecuteNonQueryAsync();
        if (tables.Count == 0)
            return;
        await using var truncate = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables)} RESTART IDENTITY CASCADE", connection);
        await truncate.ExecuteNonQueryAsync();
    }

    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => ScalarAsync<T>(ConnectionString, sql, parameters);

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> CountAsync(string table, string where = "true", params object[] parameters) =>
        await ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", parameters);
}
