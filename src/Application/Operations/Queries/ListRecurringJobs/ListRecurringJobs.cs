using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Operations.Queries.ListRecurringJobs;

/// <summary>The recurring jobs of the cluster with their schedule, state, last and next fire time.</summary>
public sealed record ListRecurringJobsQuery : IQuery<IReadOnlyList<RecurringJobView>>;

public sealed class ListRecurringJobsHandler(IJobScheduler scheduler) : IRequestHandler<ListRecurringJobsQuery, IReadOnlyList<RecurringJobView>>
{
    public Task<IReadOnlyList<RecurringJobView>> Handle(ListRecurringJobsQuery query, CancellationToken cancellationToken) =>
        scheduler.ListRecurringJobsAsync(cancellationToken);
}
