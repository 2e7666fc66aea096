using CleanWallet.Domain.Common;
using CleanWallet.Infrastructure.Persistence;
using Hangfire;
using Hangfire.Server;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// The one method Hangfire runs for every recurring job. Its only argument is the job's name (no secret ever travels
/// in Hangfire's job data); the registry says what to send. A run:
/// <list type="number">
/// <item>waits for the job's PostgreSQL advisory lock, so two runs of one job never overlap on any nodes (the lock is
/// held by a connection of the running node: it goes when the node dies); the wait is bounded
/// (<see cref="SchedulingOptions.JobLockWaitSeconds"/>): past it the run is recorded as Failed with
/// <see cref="JobStillRunningException"/> and ends, so a hung run elsewhere never holds this node's workers;</item>
/// <item>records itself in <c>job_runs</c>, sends the job's request in its own DI scope, records the outcome.</item>
/// </list>
/// When the node stops mid-run the cancellation propagates: Hangfire puts the job back in the queue and another node
/// runs it again (every job is safe to re-run; billing is exactly-once per VM-hour by its database key).
/// </summary>
public sealed class JobRunner(
    IServiceScopeFactory scopes,
    SchedulerNode node,
    JobRunHistory history,
    NpgsqlDataSource dataSource,
    SchedulingOptions options,
    ILogger<JobRunner> logger)
{
    /// <summary>How runs queued by the jobs API or the /ops page (not by the schedule) are named in the job history.</summary>
    public const string ManualTrigger = "manual";

    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public Task RunAsync(string jobName, PerformContext? context, CancellationToken cancellationToken)
    {
        var fromSchedule = context?.GetJobParameter<string>("RecurringJobId") is not null;
        return RunCoreAsync(jobName, context?.BackgroundJob.Id ?? "direct", fromSchedule,
            context?.BackgroundJob.CreatedAt is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
            cancellationToken);
    }

    /// <summary>
    /// A run of the job's schedule occurrence due at <paramref name="scheduledAt"/>, without Hangfire: what the business
    /// simulation (tools/Simulator) runs at each simulated occurrence, so its job history reads like the schedule's
    /// (<c>&lt;job&gt;.schedule</c>) and not like a manual trigger.
    /// </summary>
    public Task RunScheduledOccurrenceAsync(string jobName, DateTimeOffset scheduledAt, CancellationToken cancellationToken) =>
        RunCoreAsync(jobName, "occurrence", fromSchedule: true, scheduledAt, cancellationToken);

    private async Task RunCoreAsync(string jobName, string runKeyPrefix, bool fromSchedule, DateTimeOffset? scheduledAt,
        CancellationToken cancellationToken)
    {
        var job = RecurringJobs.Find(jobName)
            ?? throw new DomainException(ErrorCodes.NotFound, $"There is no job named '{jobName}'.", DomainErrorKind.NotFound);

        var lockWait = TimeSpan.FromSeconds(Math.Max(0, options.JobLockWaitSeconds));
        // Session-level, on a connection of its own: it goes with the connection if this node dies mid-run.
        await using var exclusive = await SessionAdvisoryLock.TryTakeAsync(dataSource, "cleanwallet.job:" + job.Name.ToLowerInvariant(),
            lockWait, cancellationToken);

        var runKey = $"{runKeyPrefix}:{Guid.CreateVersion7():N}";
        await history.StartedAsync(runKey, job.Name, fromSchedule ? job.Name + ".schedule" : ManualTrigger, node.Id, scheduledAt,
            cancellationToken);

        if (exclusive is null)
        {
            // Nothing ran: the run that holds the lock is still going (it catches up on what this one would have done).
            var busy = new JobStillRunningException(job.Name, lockWait);
            await history.FinishedAsync(runKey, job.Name, null, busy);
            logger.LogWarning("Job {Job} did not run on {Node}: {Reason}", job.Name, node.Id, busy.Message);
            throw busy;
        }

        JobOutcome outcome;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            outcome = await job.RunAsync(mediator, new JobContext(node.Id), cancellationToken);
        }
        catch (Exception ex)
        {
            var stopping = cancellationToken.IsCancellationRequested;
            await history.FinishedAsync(runKey, job.Name, null,
                stopping ? new OperationCanceledException("The node stopped during the run; the job is run again by a node of the cluster.") : ex);
            if (stopping)
                throw new OperationCanceledException("The node is stopping.", ex, cancellationToken);
            logger.LogError(ex, "Job {Job} failed on {Node}", job.Name, node.Id);
            throw;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Stopped while the request was winding down: what it did is committed, the rest is done by the re-run.
            await history.FinishedAsync(runKey, job.Name, outcome.Summary,
                new OperationCanceledException("The node stopped during the run; the job is run again by a node of the cluster."));
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (outcome.Failure is not null)
        {
            var failure = new JobReportedFailureException(outcome.Failure);
            await history.FinishedAsync(runKey, job.Name, outcome.Summary, failure);
            logger.LogError("Job {Job} failed on {Node}: {Failure}", job.Name, node.Id, outcome.Failure);
            throw failure;
        }
        await history.FinishedAsync(runKey, job.Name, outcome.Summary, null);
    }
}
