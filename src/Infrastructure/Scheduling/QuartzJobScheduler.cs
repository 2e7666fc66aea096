using CleanWallet.Domain.Common;
using CleanWallet.Application.Operations;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>The Quartz scheduler behind <see cref="IJobScheduler"/>. Everything it reads comes from the shared job store.</summary>
public sealed class QuartzJobScheduler(ISchedulerFactory schedulerFactory) : IJobScheduler
{
    public async Task<IReadOnlyList<RecurringJobView>> ListRecurringJobsAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var jobs = new List<RecurringJobView>();
        foreach (var job in RecurringJobs.All)
        {
            var triggerKey = job.TriggerKey;
            var trigger = await scheduler.GetTrigger(triggerKey, cancellationToken);
            var state = await scheduler.GetTriggerState(triggerKey, cancellationToken);
            jobs.Add(new RecurringJobView(
                job.Name,
                job.Description,
                (trigger as ICronTrigger)?.CronExpressionString ?? "(not scheduled)",
                state.ToString(),
                trigger?.PreviousFireTimeUtc,
                trigger?.NextFireTimeUtc));
        }
        return jobs;
    }

    public async Task<IReadOnlyList<SchedulerNodeView>> ListNodesAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var nodes = await scheduler.QueryClusterNodes(cancellationToken);
        return nodes
            .Select(node => new SchedulerNodeView(node.InstanceId, node.LastCheckInUtc ?? DateTimeOffset.MinValue, node.CheckInInterval ?? TimeSpan.Zero, node.State.ToString(),
                node.IsCurrentNode))
            .OrderBy(node => node.InstanceId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task TriggerNowAsync(string jobName, CancellationToken cancellationToken)
    {
        var job = RecurringJobs.Find(jobName) 
            ?? throw new DomainException(DomainErrorCodes.NotFound, $"There is no job named '{jobName}'.", DomainErrorKind.NotFound);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(job.JobKey, cancellationToken: cancellationToken);
    }
}
