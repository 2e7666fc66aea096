using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence.Migrations;

/// <summary>
/// Applies the numbered SQL files embedded in this assembly, each in its own transaction, recorded in
/// schema_migrations. A session advisory lock makes concurrent starts (several API nodes) apply each once.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Any fixed 64-bit number works; it only has to be the same for every node.
    private const long AdvisoryLockId = 0x436C_6561_6E57_4D31;

    public async Task<int> ApplyAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockId})", ct);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     int PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now())
                """, ct);

            var applied = new HashSet<int>();
            await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await select.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    applied.Add(reader.GetInt32(0));

            var count = 0;
            foreach (var migration in EmbeddedMigrations().Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, transaction, migration.Sql, ct);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.AddWithValue(migration.Version);
                    record.Parameters.AddWithValue(migration.Name);
                    await record.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
                logger.LogInformation("Applied migration {Version:0000} {Name}", migration.Version, migration.Name);
                count++;
            }
            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockId})", CancellationToken.None);
        }
    }

    public static IReadOnlyList<(int Version, string Name, string Sql)> EmbeddedMigrations()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
                continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        return migrations.OrderBy(m => m.Item1).ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
