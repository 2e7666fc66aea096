namespace CleanWallet.Application.Operations;

/// <summary>A recurring job as operations staff see it: what it does, when it runs, when it last and next fires.</summary>
public sealed record RecurringJobView(
    string Name,
    string Description,
    string Schedule,
    string State,
    DateTimeOffset? PreviousFireAt,
    DateTimeOffset? NextFireAt);

/// <summary>A scheduler node of the cluster and its last check-in.</summary>
public sealed record SchedulerNodeView(
    string InstanceId,
    DateTimeOffset LastCheckInAt,
    TimeSpan CheckInInterval,
    string State,
    bool IsCurrentNode);

/// <summary>The clustered scheduler, as the Application layer needs it (the dashboard, the jobs endpoints).</summary>
public interface IJobScheduler
{
    Task<IReadOnlyList<RecurringJobView>> ListRecurringJobsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SchedulerNodeView>> ListNodesAsync(CancellationToken cancellationToken);

    /// <summary>Fires the job once now, on whichever node of the cluster acquires it. Unknown name: not found.</summary>
    Task TriggerNowAsync(string jobName, CancellationToken cancellationToken);
}
