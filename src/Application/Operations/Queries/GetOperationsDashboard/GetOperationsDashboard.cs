using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Operations.Queries.ListJobRuns;
using MediatR;

namespace CleanWallet.Application.Operations.Queries.GetOperationsDashboard;

/// <summary>Everything the operations dashboard shows on one page, read at one moment.</summary>
public sealed record OperationsDashboard(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<RecurringJobView> Jobs,
    IReadOnlyDictionary<string, JobRunView> LatestRunByJob,
    IReadOnlyList<SchedulerNodeView> Nodes,
    JobRunCounts RunCounts,
    PagedResult<JobRunView> Runs,
    IReadOnlyList<BillingRunView> BillingRuns,
    IntegrityReportDto? LatestIntegrityReport,
    IReadOnlyList<HourlyBilledAmount> BilledPerHour);

/// <summary>The dashboard: jobs, nodes, the run history (filtered like <see cref="ListJobRunsQuery"/>), recent billing
/// runs, the latest integrity report and the amount billed in each of the last <see cref="ChartHours"/> clock hours.</summary>
public sealed record GetOperationsDashboardQuery(int Page, int PageSize, string? Status, string? Job)
    : IQuery<OperationsDashboard>, IPagedQuery
{
    public const int ChartHours = 48;
    public const int BillingRunsShown = 10;
    /// <summary>A report may list thousands of issues; the page shows the first ones and says how many there are.</summary>
    public const int IntegrityIssuesShown = 200;
}

public sealed class GetOperationsDashboardHandler(IJobScheduler scheduler, IOperationsReadStore store, IIntegrityStore integrityReports,
    TimeProvider clock)
    : IRequestHandler<GetOperationsDashboardQuery, OperationsDashboard>
{
    public async Task<OperationsDashboard> Handle(GetOperationsDashboardQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var job = JobRunFilter.NormaliseJob(query.Job);
        var jobs = await scheduler.ListRecurringJobsAsync(cancellationToken);
        var latestRuns = await store.ListLatestRunPerJobAsync(jobs.Select(j => j.Name).ToList(), now, cancellationToken);
        var nodes = await scheduler.ListNodesAsync(cancellationToken);
        var counts = await store.CountJobRunsAsync(job, cancellationToken);
        var (runs, total) = await store.ListJobRunsAsync(JobRunFilter.ParseStatus(query.Status), job,
            (query.Page - 1) * query.PageSize, query.PageSize, now, cancellationToken);
        var billingRuns = await store.ListRecentBillingRunsAsync(GetOperationsDashboardQuery.BillingRunsShown, cancellationToken);
        var integrity = await integrityReports.FindLatestReportAsync(cancellationToken);
        if (integrity is not null)
            integrity = integrity with { Issues = integrity.Issues.Take(GetOperationsDashboardQuery.IntegrityIssuesShown).ToList() };

        // The current hour is included (a stop or delete settles it early); billing proper lags an hour behind.
        var utc = now.UtcDateTime;
        var currentHour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        var perHour = await store.SumBilledPerHourAsync(currentHour.AddHours(1 - GetOperationsDashboardQuery.ChartHours), currentHour,
            cancellationToken);

        return new OperationsDashboard(now, jobs, latestRuns.ToDictionary(run => run.JobName, StringComparer.OrdinalIgnoreCase), nodes,
            counts, new PagedResult<JobRunView>(runs, query.Page, query.PageSize, total), billingRuns, integrity, perHour);
    }
}
