using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Operations.Queries.ListSchedulerNodes;

/// <summary>The Hangfire servers (one per API node) of the cluster and their last heartbeat.</summary>
public sealed record ListSchedulerNodesQuery : IQuery<IReadOnlyList<SchedulerNodeView>>;

public sealed class ListSchedulerNodesHandler(IJobScheduler scheduler) : IRequestHandler<ListSchedulerNodesQuery, IReadOnlyList<SchedulerNodeView>>
{
    public Task<IReadOnlyList<SchedulerNodeView>> Handle(ListSchedulerNodesQuery query, CancellationToken cancellationToken) =>
        scheduler.ListNodesAsync(cancellationToken);
}
