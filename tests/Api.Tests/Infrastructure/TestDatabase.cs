using CleanWallet.LocalPostgres;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, unless <c>ConnectionStrings__Wallet</c> names a
/// database to use instead (its application tables are emptied between tests, by Respawn).
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private LocalPostgresCluster? _cluster;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>True when the database is this run's own throwaway cluster (not one given in ConnectionStrings__Wallet).</summary>
    public bool IsThrowaway => _cluster is not null;

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
    /// Schemas Respawn never empties: the scheduler's own storage (Hangfire's <c>hangfire</c>), whose schema version, server
    /// roll, locks and recurring schedule must stay for the servers that are running or about to start. Only its queued
    /// and finished background jobs are deleted on a reset (<see cref="DeleteSchedulerJobsAsync"/>), so a job one test
    /// queued never runs in the next.
    /// </summary>
    public static readonly string[] KeptSchemas = ["hangfire"];

    /// <summary>
    /// Tables whose rows survive a reset: the migrations history, the Data Protection key ring (running test hosts hold its
    /// keys) and reference data that migrations seed (none today: a migration that INSERTs reference rows adds its table here).
    /// </summary>
    public static readonly string[] KeptTables = ["schema_migrations", "data_protection_keys"];

    private Respawner? _respawner;

    /// <summary>
    /// Empties every application table with Respawn; the schema and everything <see cref="KeptSchemas"/> and
    /// <see cref="KeptTables"/> name stay. The respawner reads the schema once, on the first reset (after the first API host
    /// has migrated the database), and re-reads it if a reset fails.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await DeleteSchedulerJobsAsync(connection);
        // Nothing to empty before any API host has migrated this database: a test class whose hosts use a database of
        // their own (DatabaseAvailabilityTests' private cluster) may be the first, or the only one, to run.
        if (_respawner is null && !await IsMigratedAsync(connection))
            return;
        try
        {
            _respawner ??= await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres,
                SchemasToExclude = KeptSchemas,
                TablesToIgnore = KeptTables.Select(name => new Table("public", name)).ToArray(),
                // No table has a sequence or identity column (ids are UUIDs), and reseeding looks every column up on each
                // reset: about 200 ms a test on these machines. A table that gets one and needs it restarted turns this on.
                WithReseed = false,
            });
            await _respawner.ResetAsync(connection);
        }
        catch
        {
            _respawner = null;
            throw;
        }
    }

    private static async Task<bool> IsMigratedAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('public.schema_migrations') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DeleteSchedulerJobsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            DO $$
            BEGIN
                IF to_regclass('hangfire.job') IS NOT NULL THEN
                    DELETE FROM hangfire.jobqueue;
                    DELETE FROM hangfire.job;
                END IF;
            END $$
            """, connection);
        await command.ExecuteNonQueryAsync();
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

    /// <summary>Runs statements that return nothing (e.g. a test's own trigger, created and dropped by it).</summary>
    /// <summary>
    /// Takes a wallet's row lock (<c>SELECT … FOR UPDATE</c>) in a transaction of its own and holds it until the result is
    /// disposed (once; disposing again does nothing), which rolls that transaction back: requests on the wallet meanwhile
    /// wait for it.
    /// </summary>
    public async Task<IAsyncDisposable> HoldWalletRowLockAsync(Guid walletId)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var holder = await connection.BeginTransactionAsync();
        await using (var lockWallet = new NpgsqlCommand("SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE", connection, holder))
        {
            lockWallet.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = walletId });
            await lockWallet.ExecuteScalarAsync();
        }
        return new RowLockHolder(connection, holder);
    }

    private sealed class RowLockHolder(NpgsqlConnection connection, NpgsqlTransaction holder) : IAsyncDisposable
    {
        private bool _released;

        public async ValueTask DisposeAsync()
        {
            if (_released)
                return;
            _released = true;
            await holder.RollbackAsync();
            await holder.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string table, string where = "true", params object[] parameters) =>
        await ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", parameters);
}
