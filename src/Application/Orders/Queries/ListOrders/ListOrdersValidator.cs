using CleanWallet.Application.Common;
using CleanWallet.Domain.Orders;
using FluentValidation;

namespace CleanWallet.Application.Orders.Queries.ListOrders;

public sealed class ListOrdersValidator : AbstractValidator<ListOrdersQuery>
{
    public ListOrdersValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).ValidEnumName<ListOrdersQuery, OrderStatus>("status").When(q => q.Status is not null);
    }
}
