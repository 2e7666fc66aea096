using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Customers.Queries.ListCustomers;

public sealed class ListCustomersValidator : AbstractValidator<ListCustomersQuery>
{
    public ListCustomersValidator() => Include(new PagedQueryValidator());
}
