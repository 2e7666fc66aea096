using CleanWallet.Application.Common;
using CleanWallet.Domain.Holds;
using FluentValidation;

namespace CleanWallet.Application.Holds.Queries.ListHolds;

public sealed class ListHoldsValidator : AbstractValidator<ListHoldsQuery>
{
    public ListHoldsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).ValidEnumName<ListHoldsQuery, HoldStatus>("status").When(q => q.Status is not null);
    }
}
