using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.Customers.Queries.ListCustomers;

public sealed record ListCustomersQuery(int Page, int PageSize) : IQuery<PagedResult<CustomerDto>>, IPagedQuery;

public sealed class ListCustomersHandler(IReadStore read) : IRequestHandler<ListCustomersQuery, PagedResult<CustomerDto>>
{
    public async Task<PagedResult<CustomerDto>> Handle(ListCustomersQuery query, CancellationToken cancellationToken)
    {
        var customers = read.Customers;
        var total = await read.CountAsync(customers, cancellationToken);
        var items = await read.ToListAsync(
            customers.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).TakePage(query).Select(CustomerDto.Projection),
            cancellationToken);
        return new PagedResult<CustomerDto>(items, query.Page, query.PageSize, total);
    }
}
