using System.Text.Json;

namespace CleanWallet.Application.Operations;

/// <summary>The states a job run goes through, as the job history stores them.</summary>
public enum JobRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One execution of a scheduled job on some node of the cluster.</summary>
public sealed record JobRunView(
    Guid Id,
    string JobName,
    string Status,
    string NodeId,
    string TriggerName,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMilliseconds,
    JsonElement? Summary,
    string? Error);

public sealed record BillingRunView(
    Guid Id,
    DateTimeOffset BilledUpTo,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    string NodeId,
    int Batches,
    int VmsBilled,
    long HoursBilled,
    decimal AmountBilled,
    int VmsSuspended,
    string? Error);

/// <summary>Usage billed for the clock hour starting at <see cref="HourStart"/> (zero when nothing was billed).</summary>
public sealed record HourlyBilledAmount(DateTimeOffset HourStart, decimal Amount);

/// <summary>
/// Read-only access to what the jobs leave behind (job history, billing runs, integrity reports, hourly usage), for
/// operations staff. Plain reads: never part of a write transaction.
/// </summary>
public interface IOperationsReadStore
{
    /// <summary>Newest first. <paramref name="status"/> and <paramref name="jobName"/> filter when given.</summary>
    Task<(IReadOnlyList<JobRunView> Items, int TotalCount)> ListJobRunsAsync(JobRunStatus? status, string? jobName, int offset, int limit,
        DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<BillingRunView>> ListRecentBillingRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Every clock hour from <paramref name="firstHour"/> to <paramref name="lastHour"/> inclusive, zero hours included.</summary>
    Task<IReadOnlyList<HourlyBilledAmount>> SumBilledPerHourAsync(DateTimeOffset firstHour, DateTimeOffset lastHour,
        CancellationToken cancellationToken);
}
