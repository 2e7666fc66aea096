using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Integrity;
using MediatR;

namespace CleanWallet.Application.Operations.Queries.GetOperationsDashboard;

/// <summary>Everything the operations dashboard shows on one page, read at one moment.</summary>
public sealed record OperationsDashboard(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<BillingRunView> BillingRuns,
    IntegrityReportDto? LatestIntegrityReport,
    IReadOnlyList<HourlyBilledAmount> BilledPerHour);

/// <summary>
/// The dashboard: recent billing runs with their figures, the latest integrity report and the amount billed in each of
/// the last <see cref="ChartHours"/> clock hours. The job list, the runs and the nodes are Hangfire's dashboard's.
/// </summary>
public sealed record GetOperationsDashboardQuery : IQuery<OperationsDashboard>
{
    public const int ChartHours = 48;
    public const int BillingRunsShown = 10;
    /// <summary>A report may list thousands of issues; the page shows the first ones and says how many there are.</summary>
    public const int IntegrityIssuesShown = 200;
}

public sealed class GetOperationsDashboardHandler(IOperationsReadStore store, IIntegrityStore integrityReports, TimeProvider clock)
    : IRequestHandler<GetOperationsDashboardQuery, OperationsDashboard>
{
    public async Task<OperationsDashboard> Handle(GetOperationsDashboardQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var billingRuns = await store.ListRecentBillingRunsAsync(GetOperationsDashboardQuery.BillingRunsShown, cancellationToken);
        var integrity = await integrityReports.FindLatestReportAsync(cancellationToken);
        if (integrity is not null)
            integrity = integrity with { Issues = integrity.Issues.Take(GetOperationsDashboardQuery.IntegrityIssuesShown).ToList() };

        // The current hour is included (a stop or delete settles it early); billing proper lags an hour behind.
        var utc = now.UtcDateTime;
        var currentHour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        var perHour = await store.SumBilledPerHourAsync(currentHour.AddHours(1 - GetOperationsDashboardQuery.ChartHours), currentHour,
            cancellationToken);

        return new OperationsDashboard(now, billingRuns, integrity, perHour);
    }
}
