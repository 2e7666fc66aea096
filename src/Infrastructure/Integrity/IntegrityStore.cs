using System.Data;
using System.Text.Json;
using CleanWallet.Application.Integrity;
using CleanWallet.Infrastructure.Persistence;
using Npgsql;

namespace CleanWallet.Infrastructure.Integrity;

/// <summary>
/// Runs the integrity checks of <see cref="IntegritySql"/> in the database, keeps the reports in <c>integrity_reports</c>
/// and the wallets' checkpoints (for incremental checks) in <c>integrity_checkpoints</c>. Issues are streamed: only the first ones asked for are kept in memory, the rest are counted.
/// </summary>
public sealed class IntegrityStore(NpgsqlDataSource dataSource) : IIntegrityStore
{
    /// <summary>A whole-ledger scan outlives the default 30 s on a big ledger; this still bounds how long a snapshot is held.</summary>
    private const int CheckTimeoutSeconds = 600;

    private static readonly JsonSerializerOptions IssueJson = new(JsonSerializerDefaults.Web);

    /// <summary>Held (session-level, on the check's own connection) for the whole check: one check at a time.</summary>
    private const string CheckLockKey = "integrity-check";

    // One check at a time, waited for before the snapshot is taken: two checks writing the same checkpoints from
    // REPEATABLE READ snapshots would fail with a serialization error, and a check that waited behind another sees
    // everything that one saw (its snapshot is newer), so checkpoints only ever move forwards. The wait is bounded: past
    // it this check gives up before it has read or written anything.
    public async Task<IIntegrityCheck> BeginCheckAsync(TimeSpan lockWait, CancellationToken ct) =>
        new LockedCheck(await SessionAdvisoryLock.TryTakeAsync(dataSource, CheckLockKey, lockWait, ct)
                        ?? throw new IntegrityCheckRunningException(lockWait));

    /// <summary>The check lock, held on the connection the check reads through; disposing it lets the lock go.</summary>
    private sealed class LockedCheck(SessionAdvisoryLock held) : IIntegrityCheck
    {
        public Task<IntegrityFindings> VerifyAsync(IntegrityCheckMode mode, Guid reportId, DateTimeOffset checkedAt, int maxIssues,
            CancellationToken ct) =>
            VerifyLockedAsync(held.Connection, mode == IntegrityCheckMode.Incremental, reportId, checkedAt, maxIssues, ct);

        public ValueTask DisposeAsync() => held.DisposeAsync();
    }

    private static async Task<IntegrityFindings> VerifyLockedAsync(NpgsqlConnection connection, bool incremental, Guid reportId,
        DateTimeOffset checkedAt, int maxIssues, CancellationToken ct)
    {
        // One snapshot for every check, so a payment committing half-way cannot look like a mismatch, and the checkpoints
        // written at the end name exactly the entries the checks saw. The checks only read (the issue queries are SELECTs);
        // the one write is the checkpoints' (IntegritySql.SaveCheckpoints). For this transaction only: memory for the one
        // big hash join (links × ledger) instead of spilling it to disk, and no JIT, whose compile time exceeds what it saves here.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var setUp = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", connection, transaction))
            await setUp.ExecuteNonQueryAsync(ct);

        long wallets, entries, payments;
        await using (var counts = new NpgsqlCommand(incremental ? IntegritySql.CountsIncremental : IntegritySql.Counts, connection, transaction)
                     { CommandTimeout = CheckTimeoutSeconds })
        await using (var reader = await counts.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (wallets, entries, payments) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        var issues = new List<IntegrityIssueDto>();
        var countsByKind = new Dictionary<string, long>(StringComparer.Ordinal);
        var walletsWithIssues = new HashSet<Guid>();
        foreach (var sql in IntegritySql.IssueQueries(incremental))
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = CheckTimeoutSeconds };
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var walletId = reader.GetGuid(0);
                var kind = reader.GetString(1);
                walletsWithIssues.Add(walletId);
                if (reader.FieldCount > 3 && !reader.IsDBNull(3))
                    walletsWithIssues.Add(reader.GetGuid(3));
                countsByKind[kind] = countsByKind.GetValueOrDefault(kind) + 1;
                if (issues.Count < maxIssues)
                    issues.Add(new IntegrityIssueDto(walletId, kind, reader.GetString(2)));
            }
        }

        await using (var save = new NpgsqlCommand(IntegritySql.SaveCheckpoints, connection, transaction) { CommandTimeout = CheckTimeoutSeconds })
        {
            save.Parameters.AddWithValue(walletsWithIssues.ToArray());
            save.Parameters.AddWithValue(checkedAt);
            save.Parameters.AddWithValue(reportId);
            await save.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);

        return new IntegrityFindings(wallets, entries, payments, countsByKind.Values.Sum(), issues, countsByKind);
    }

    public async Task<DateTimeOffset?> FindLastFullCheckStartAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT max(started_at) FROM integrity_reports WHERE mode = 'Full'");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task AddReportAsync(IntegrityReportDto report, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO integrity_reports (id, trigger, mode, started_at, finished_at, wallets_checked, entries_checked, payments_checked,
                                           issue_count, issues)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
            """);
        command.Parameters.AddWithValue(report.Id);
        command.Parameters.AddWithValue(report.Trigger);
        command.Parameters.AddWithValue(report.Mode);
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
            SELECT id, trigger, mode, started_at, finished_at, wallets_checked, entries_checked, payments_checked, issue_count, issues::text
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
            reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetInt64(5),
            reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            JsonSerializer.Deserialize<List<IntegrityIssueDto>>(reader.GetString(9), IssueJson) ?? []);
    }
}
