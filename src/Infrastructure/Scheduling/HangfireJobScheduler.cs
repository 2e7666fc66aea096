using CleanWallet.Application.Operations;
using CleanWallet.Domain.Common;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>Hangfire behind <see cref="IJobScheduler"/>. Everything it reads comes from the shared Hangfire storage.</summary>
public sealed class HangfireJobScheduler(JobStorage storage, IBackgroundJobClient client, SchedulerNode node, SchedulingOptions options)
    : IJobScheduler
{
    public Task<IReadOnlyList<RecurringJobView>> ListRecurringJobsAsync(CancellationToken cancellationToken)
    {
        using var connection = storage.GetConnection();
        var stored = connection.GetRecurringJobs().ToDictionary(job => job.Id, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<RecurringJobView> jobs = RecurringJobs.All.Select(job =>
        {
            stored.TryGetValue(job.Name, out var entry);
            return new RecurringJobView(
                job.Name,
                job.Description,
                entry?.Cron ?? job.Cron(options),
                State(entry),
                Utc(entry?.LastExecution),
                Utc(entry?.NextExecution));
        }).ToList();
        return Task.FromResult(jobs);
    }

    public Task<IReadOnlyList<SchedulerNodeView>> ListNodesAsync(CancellationToken cancellationToken)
    {
        var heartbeat = TimeSpan.FromSeconds(options.HeartbeatIntervalSeconds);
        IReadOnlyList<SchedulerNodeView> nodes = storage.GetMonitoringApi().Servers()
            .Select(server => new SchedulerNodeView(
                server.Name,
                Utc(server.Heartbeat) ?? DateTimeOffset.MinValue,
                heartbeat,
                $"{server.WorkersCount} workers",
                node.Owns(server.Name)))
            .OrderBy(server => server.InstanceId, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(nodes);
    }

    public Task TriggerNowAsync(string jobName, CancellationToken cancellationToken)
    {
        var job = RecurringJobs.Find(jobName)
            ?? throw new DomainException(ErrorCodes.NotFound, $"There is no job named '{jobName}'.", DomainErrorKind.NotFound);
        client.Create(Job.FromExpression<JobRunner>(runner => runner.RunAsync(job.Name, null, CancellationToken.None)), new EnqueuedState());
        return Task.CompletedTask;
    }

    private static string State(RecurringJobDto? entry) => entry switch
    {
        null => "NotRegistered",
        { Removed: true } => "Removed",
        { Error: not null } => "Error",
        _ => "Scheduled",
    };

    private static DateTimeOffset? Utc(DateTime? at) =>
        at is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
}
