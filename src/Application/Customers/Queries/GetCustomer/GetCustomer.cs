using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.Customers.Queries.GetCustomer;

public sealed record GetCustomerQuery(Guid CustomerId) : IQuery<CustomerDto>;

public sealed class GetCustomerHandler(IReadStore read) : IRequestHandler<GetCustomerQuery, CustomerDto>
{
    public async Task<CustomerDto> Handle(GetCustomerQuery query, CancellationToken cancellationToken) =>
        await read.FirstOrDefaultAsync(read.Customers.Where(c => c.Id == query.CustomerId).Select(CustomerDto.Projection), cancellationToken)
        ?? throw new NotFoundException("Customer", query.CustomerId);
}
