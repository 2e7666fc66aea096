using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Orders;
using MediatR;

namespace CleanWallet.Application.Orders.Queries.ListOrders;

/// <summary>Orders newest first, optionally of one status; a customer sees only its own.</summary>
public sealed record ListOrdersQuery(int Page, int PageSize, string? Status) : IQuery<PagedResult<OrderDto>>, IPagedQuery;

public sealed class ListOrdersHandler(IReadStore read, ICallerContext caller) : IRequestHandler<ListOrdersQuery, PagedResult<OrderDto>>
{
    public async Task<PagedResult<OrderDto>> Handle(ListOrdersQuery query, CancellationToken cancellationToken)
    {
        var orders = read.Orders;
        if (caller.Role == CallerRole.Customer)
        {
            var customerId = caller.CustomerId;
            orders = orders.Where(o => o.CustomerId == customerId);
        }
        if (query.Status is not null)
        {
            var status = Enum.Parse<OrderStatus>(query.Status, ignoreCase: true);
            orders = orders.Where(o => o.Status == status);
        }

        var total = await read.CountAsync(orders, cancellationToken);
        var items = await read.ToListAsync(
            orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).TakePage(query).Select(OrderDto.Projection(read.Payments)),
            cancellationToken);
        return new PagedResult<OrderDto>(items, query.Page, query.PageSize, total);
    }
}
