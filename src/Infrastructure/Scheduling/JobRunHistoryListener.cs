using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// Records every execution of every job, on whichever node runs it, in <c>job_runs</c>: a Running row when it starts,
/// then Succeeded with the job's summary or Failed with its error. The dashboard reads that table, so the history is
/// the cluster's, not one node's memory.
/// </summary>
public sealed class JobRunHistoryListener(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobRunHistoryListener> logger)
    : IJobListener
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    public string Name => "job-run-history";

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO job_runs (id, job_name, fire_instance_id, trigger_name, node_id, scheduled_at, started_at, status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'Running')
                ON CONFLICT (fire_instance_id) DO NOTHING
                """);
            command.Parameters.AddWithValue(Guid.CreateVersion7());
            command.Parameters.AddWithValue(context.JobDetail.Key.Name);
            command.Parameters.AddWithValue(context.FireInstanceId);
            command.Parameters.AddWithValue(context.Trigger.Key.Name);
            command.Parameters.AddWithValue(context.Scheduler.SchedulerInstanceId);
            command.Parameters.AddWithValue((object?)context.ScheduledFireTimeUtc ?? DBNull.Value);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // History is for people; losing a line must never stop billing.
            logger.LogWarning(ex, "Could not record the start of job {Job} ({FireInstance})", context.JobDetail.Key.Name, context.FireInstanceId);
        }
    }

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException,
        CancellationToken cancellationToken = default)
    {
        var failed = jobException is not null;
        try
        {
            await using var command = dataSource.CreateCommand("""
                UPDATE job_runs SET finished_at = $2, status = $3, summary = $4::jsonb, error = $5
                WHERE fire_instance_id = $1
                """);
            command.Parameters.AddWithValue(context.FireInstanceId);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            command.Parameters.AddWithValue(failed ? "Failed" : "Succeeded");
            command.Parameters.AddWithValue(context.Result is null ? DBNull.Value : JsonSerializer.Serialize(context.Result, SummaryJson));
            command.Parameters.AddWithValue(failed ? DescribeFailure(jobException!) : DBNull.Value);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not record the end of job {Job} ({FireInstance})", context.JobDetail.Key.Name, context.FireInstanceId);
        }
        if (failed)
            logger.LogError(jobException, "Job {Job} failed ({FireInstance})", context.JobDetail.Key.Name, context.FireInstanceId);
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
