using System.Data.Common;
using System.Text.Json;
using CleanWallet.Application.Operations;
using Npgsql;

namespace CleanWallet.Infrastructure.Operations;

/// <summary>
/// Plain SQL over the tables the jobs write (job_runs, billing_runs, integrity_reports, vm_usage): the dashboard reads
/// them as stored, without tracking entities, each query on its own pooled connection.
/// </summary>
internal sealed class OperationsReadStore(NpgsqlDataSource dataSource) : IOperationsReadStore
{
    private const string RunColumns =
        "id, job_name, status, node_id, trigger_name, scheduled_at, started_at, finished_at, summary::text, error";

    public async Task<(IReadOnlyList<JobRunView> Items, int TotalCount)> ListJobRunsAsync(JobRunStatus? status, string? jobName, int offset,
        int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string filter = "($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR job_name = $2)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        await using var count = new NpgsqlCommand($"SELECT count(*) FROM job_runs WHERE {filter}", connection);
        AddFilter(count, status, jobName);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        // Ids are time-ordered (v7), so they break ties between runs started in the same microsecond.
        await using var list = new NpgsqlCommand($"""
            SELECT {RunColumns}
            FROM job_runs WHERE {filter}
            ORDER BY started_at DESC, id DESC
            OFFSET $3 LIMIT $4
            """, connection);
        AddFilter(list, status, jobName);
        list.Parameters.AddWithValue(offset);
        list.Parameters.AddWithValue(limit);

        return (await ReadRunsAsync(list, now, cancellationToken), (int)Math.Min(total, int.MaxValue));
    }

    private static async Task<IReadOnlyList<JobRunView>> ReadRunsAsync(NpgsqlCommand command, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = new List<JobRunView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var startedAt = reader.GetFieldValue<DateTimeOffset>(6);
            var finishedAt = NullableTime(reader, 7);
            // A running job's duration so far, so a stuck one stands out.
            var duration = (finishedAt ?? now) - startedAt;
            runs.Add(new JobRunView(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                NullableTime(reader, 5),
                startedAt,
                finishedAt,
                Math.Max(0, (long)duration.TotalMilliseconds),
                reader.IsDBNull(8) ? null : ParseJson(reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return runs;
    }

    public async Task<IReadOnlyList<BillingRunView>> ListRecentBillingRunsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, billed_up_to, started_at, finished_at, status, node_id, batches, vms_billed, hours_billed, amount_billed,
                   vms_suspended, error
            FROM billing_runs ORDER BY started_at DESC, id DESC LIMIT $1
            """);
        command.Parameters.AddWithValue(limit);
        var runs = new List<BillingRunView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            runs.Add(new BillingRunView(
                reader.GetGuid(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                NullableTime(reader, 3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                reader.GetInt64(8),
                reader.GetDecimal(9),
                reader.GetInt32(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        return runs;
    }

    public async Task<IReadOnlyList<HourlyBilledAmount>> SumBilledPerHourAsync(DateTimeOffset firstHour, DateTimeOffset lastHour,
        CancellationToken cancellationToken)
    {
        // generate_series gives every hour, so hours nothing was billed in show as zero rather than as gaps.
        await using var command = dataSource.CreateCommand("""
            SELECT h.hour_start, coalesce(sum(u.amount), 0)
            FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 hour') AS h (hour_start)
            LEFT JOIN vm_usage u ON u.hour_start = h.hour_start
            GROUP BY h.hour_start
            ORDER BY h.hour_start
            """);
        command.Parameters.AddWithValue(firstHour.ToUniversalTime());
        command.Parameters.AddWithValue(lastHour.ToUniversalTime());
        var hours = new List<HourlyBilledAmount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            hours.Add(new HourlyBilledAmount(reader.GetFieldValue<DateTimeOffset>(0), reader.GetDecimal(1)));
        return hours;
    }

    private static void AddFilter(NpgsqlCommand command, JobRunStatus? status, string? jobName)
    {
        command.Parameters.AddWithValue(status is { } s ? s.ToString() : DBNull.Value);
        command.Parameters.AddWithValue((object?)jobName ?? DBNull.Value);
    }

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
