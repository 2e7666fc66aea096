using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Operations.Queries.ListJobRuns;

/// <summary>The job history of the whole cluster, newest first, optionally only one state and/or one job.</summary>
public sealed record ListJobRunsQuery(int Page, int PageSize, string? Status, string? Job) : IQuery<PagedResult<JobRunView>>, IPagedQuery;

public sealed class ListJobRunsHandler(IOperationsReadStore store, TimeProvider clock) : IRequestHandler<ListJobRunsQuery, PagedResult<JobRunView>>
{
    public async Task<PagedResult<JobRunView>> Handle(ListJobRunsQuery query, CancellationToken cancellationToken)
    {
        var (items, total) = await store.ListJobRunsAsync(JobRunFilter.ParseStatus(query.Status), JobRunFilter.NormaliseJob(query.Job),
            (query.Page - 1) * query.PageSize, query.PageSize, clock.GetUtcNow(), cancellationToken);
        return new PagedResult<JobRunView>(items, query.Page, query.PageSize, total);
    }
}

/// <summary>How the run filters given by callers are read, by the API and the dashboard alike.</summary>
public static class JobRunFilter
{
    public const int MaxJobNameLength = 100;

    /// <summary>Null (no filter) when absent; validators have already refused anything that is not a state's name.</summary>
    public static JobRunStatus? ParseStatus(string? status) =>
        string.IsNullOrWhiteSpace(status) ? null : Enum.Parse<JobRunStatus>(status.Trim(), ignoreCase: true);

    public static bool IsValidStatus(string? status) =>
        string.IsNullOrWhiteSpace(status)
        || Enum.GetNames<JobRunStatus>().Any(name => string.Equals(name, status.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string? NormaliseJob(string? job) => string.IsNullOrWhiteSpace(job) ? null : job.Trim();
}
