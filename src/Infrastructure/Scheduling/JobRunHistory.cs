using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// Records every execution of every job, on whichever node runs it, in <c>job_runs</c>: a Running row when it starts,
/// then Succeeded with the job's summary or Failed with its error. This is the business's job history (the jobs API
/// reads it); it outlives Hangfire's own job records, which expire.
/// </summary>
public sealed class JobRunHistory(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobRunHistory> logger)
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    public async Task StartedAsync(string runKey, string jobName, string triggerName, string nodeId, DateTimeOffset? scheduledAt,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO job_runs (id, job_name, fire_instance_id, trigger_name, node_id, scheduled_at, started_at, status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'Running')
                ON CONFLICT (fire_instance_id) DO NOTHING
                """);
            command.Parameters.AddWithValue(Guid.CreateVersion7());
            command.Parameters.AddWithValue(jobName);
            command.Parameters.AddWithValue(runKey);
            command.Parameters.AddWithValue(triggerName);
            command.Parameters.AddWithValue(nodeId);
            command.Parameters.AddWithValue((object?)scheduledAt ?? DBNull.Value);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // History is for people; losing a line must never stop billing.
            logger.LogWarning(ex, "Could not record the start of job {Job} ({Run})", jobName, runKey);
        }
    }

    public async Task FinishedAsync(string runKey, string jobName, object? summary, Exception? failure)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                UPDATE job_runs SET finished_at = $2, status = $3, summary = $4::jsonb, error = $5
                WHERE fire_instance_id = $1 AND status = 'Running'
                """);
            command.Parameters.AddWithValue(runKey);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            command.Parameters.AddWithValue(failure is null ? "Succeeded" : "Failed");
            command.Parameters.AddWithValue(summary is null ? DBNull.Value : JsonSerializer.Serialize(summary, summary.GetType(), SummaryJson));
            command.Parameters.AddWithValue(failure is null ? DBNull.Value : DescribeFailure(failure));
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not record the end of job {Job} ({Run})", jobName, runKey);
        }
    }

    /// <summary>What operations staff see: the root cause's message, not a stack trace.</summary>
    private static string DescribeFailure(Exception exception)
    {
        var root = exception;
        while (root.InnerException is not null)
            root = root.InnerException;
        return $"{root.GetType().Name}: {root.Message}";
    }
}
