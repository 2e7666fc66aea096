using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Payments.Queries.ListPayments;

public sealed class ListPaymentsValidator : AbstractValidator<ListPaymentsQuery>
{
    public ListPaymentsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).ValidEnumName<ListPaymentsQuery, PaymentStatus>("status").When(q => q.Status is not null);
    }
}
