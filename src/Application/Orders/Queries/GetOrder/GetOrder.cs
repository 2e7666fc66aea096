using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Orders.Queries.GetOrder;

/// <summary>One order with its payment's refund state; another customer's order is a 404.</summary>
public sealed record GetOrderQuery(Guid OrderId) : IQuery<OrderDto>;

public sealed class GetOrderHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetOrderQuery, OrderDto>
{
    public Task<OrderDto> Handle(GetOrderQuery query, CancellationToken cancellationToken) =>
        OrderReads.ReadableAsync(read, caller, query.OrderId, cancellationToken);
}
