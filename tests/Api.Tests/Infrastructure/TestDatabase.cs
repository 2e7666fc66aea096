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

    /// <summary>Schemas whose tables are never emptied: the scheduler's own storage (Hangfire's <c>hangfire</c>).</summary>
    public static readonly string[] KeptSchemas = ["hangfire"];

    /// <summary>
    /// Tables whose rows survive a reset: the migrations history, the Data Protection key ring (running test hosts hold its
    /// keys) and reference data that migrations seed (none today: a migration that INSERTs reference rows adds its table here).
    /// </summary>
    public static readonly string[] KeptTables = ["schema_migrations", "data_protection_keys"];

    /// <summary>Name prefixes of tables that survive a reset: the scheduler's (Quartz's <c>qrtz_*</c>) in the public schema.</summary>
    public static readonly string[] KeptTablePrefixes = ["qrtz_"];

    private Respawner? _respawner;

    /// <summary>
    /// Empties every application table with Respawn; the schema and everything <see cref="KeptSchemas"/>,
    /// <see cref="KeptTables"/> and <see cref="KeptTablePrefixes"/> name stay. The respawner reads the schema once, on the
    /// first reset (after the first API host has migrated the database), and re-reads it if a reset fails.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        try
        {
            _respawner ??= await CreateRespawnerAsync(connection);
            await _respawner.ResetAsync(connection);
        }
        catch
        {
            _respawner = null;
            throw;
        }
    }

    private static async Task<Respawner> CreateRespawnerAsync(NpgsqlConnection connection)
    {
        var kept = new List<Table>(KeptTables.Select(name => new Table("public", name)));
        await using (var list = new NpgsqlCommand(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename::text ^@ ANY($1)", connection))
        {
            list.Parameters.AddWithValue(KeptTablePrefixes);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                kept.Add(new Table("public", reader.GetString(0)));
        }

        return await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToExclude = KeptSchemas,
            TablesToIgnore = kept.ToArray(),
            // No table has a sequence or identity column (ids are UUIDs), and reseeding looks every column up on each
            // reset: about 200 ms a test on these machines. A table that gets one and needs it restarted turns this on.
            WithReseed = false,
        });
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
