using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Payments.Commands.RefundPayment;

public sealed class RefundPaymentValidator : AbstractValidator<RefundPaymentCommand>
{
    public RefundPaymentValidator()
    {
        // No amount means "the rest"; a given amount obeys the usual money rules.
        When(c => c.Amount is not null, () =>
            RuleFor(c => c.Amount!.Value).ValidAmount().OverridePropertyName(nameof(RefundPaymentCommand.Amount)));
        RuleFor(c => c.Reason).RequiredText("reason", Refund.MaxReasonLength);
    }
}
