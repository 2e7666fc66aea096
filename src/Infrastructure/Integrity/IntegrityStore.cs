using System.Data;
using System.Text.Json;
using CleanWallet.Application.Integrity;
using Npgsql;

namespace CleanWallet.Infrastructure.Integrity;

/// <summary>
/// Runs the integrity checks of <see cref="IntegritySql"/> in the database and keeps the reports in
/// <c>integrity_reports</c>. Issues are streamed: only the first ones asked for are kept in memory, the rest are counted.
/// </summary>
public sealed class IntegrityStore(NpgsqlDataSource dataSource) : IIntegrityStore
{
    /// <summary>A whole-ledger scan outlives the default 30 s on a big ledger; this still bounds how long a snapshot is held.</summary>
    private const int CheckTimeoutSeconds = 600;

    private static readonly JsonSerializerOptions IssueJson = new(JsonSerializerDefaults.Web);

    public async Task<IntegrityFindings> VerifyAsync(int maxIssues, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for every check, so a payment committing half-way cannot look like a mismatch; READ ONLY makes
        // the database itself refuse any write from here. For this transaction only: memory for the one big hash join
        // (links × ledger) instead of spilling it to disk, and no JIT, whose compile time exceeds what it saves here.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var setUp = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off",
                         connection, transaction))
            await setUp.ExecuteNonQueryAsync(ct);

        long wallets, entries, payments;
        await using (var counts = new NpgsqlCommand(IntegritySql.Counts, connection, transaction) { CommandTimeout = CheckTimeoutSeconds })
        await using (var reader = await counts.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (wallets, entries, payments) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        var issues = new List<IntegrityIssueDto>();
        var countsByKind = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sql in IntegritySql.IssueQueries)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = CheckTimeoutSeconds };
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var kind = reader.GetString(1);
                countsByKind[kind] = countsByKind.GetValueOrDefault(kind) + 1;
                if (issues.Count < maxIssues)
                    issues.Add(new IntegrityIssueDto(reader.GetGuid(0), kind, reader.GetString(2)));
            }
        }
        await transaction.CommitAsync(ct);

        return new IntegrityFindings(wallets, entries, payments, countsByKind.Values.Sum(), issues, countsByKind);
    }

    public async Task AddReportAsync(IntegrityReportDto report, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO integrity_reports (id, trigger, started_at, finished_at, wallets_checked, entries_checked, payments_checked,
                                           issue_count, issues)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
            """);
        command.Parameters.AddWithValue(report.Id);
        command.Parameters.AddWithValue(report.Trigger);
        command.Parameters.AddWithValue(report.StartedAt);
        command.Parameters.AddWithValue(report.FinishedAt);
        command.Parameters.AddWithValue(report.WalletsChecked);
        command.Parameters.AddWithValue(report.EntriesChecked);
        command.Parameters.AddWithValue(report.PaymentsChecked);
        command.Parameters.AddWithValue(report.IssueCount);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(report.Issues, IssueJson));
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task<IntegrityReportDto?> FindReportAsync(Guid id, CancellationToken ct) =>
        ReadReportAsync("WHERE id = $1", ct, id);

    public Task<IntegrityReportDto?> FindLatestReportAsync(CancellationToken ct) =>
        ReadReportAsync("ORDER BY finished_at DESC, id DESC LIMIT 1", ct);

    private async Task<IntegrityReportDto?> ReadReportAsync(string filter, CancellationToken ct, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, trigger, started_at, finished_at, wallets_checked, entries_checked, payments_checked, issue_count, issues::text
            FROM integrity_reports
            {filter}
            """);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new IntegrityReportDto(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetInt64(4),
            reader.GetInt64(5),
            reader.GetInt64(6),
            reader.GetInt64(7),
            JsonSerializer.Deserialize<List<IntegrityIssueDto>>(reader.GetString(8), IssueJson) ?? []);
    }
}
