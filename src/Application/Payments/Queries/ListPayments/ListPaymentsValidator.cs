using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Payments.Queries.ListPayments;

public sealed class ListPaymentsValidator : AbstractValidator<ListPaymentsQuery>
{
    public ListPaymentsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status)
            .Must(s => Enum.TryParse<PaymentStatus>(s, ignoreCase: true, out _) && !int.TryParse(s, out _))
            .When(q => q.Status is not null)
            .WithMessage($"'status' must be one of {string.Join(", ", Enum.GetNames<PaymentStatus>())}.");
    }
}
