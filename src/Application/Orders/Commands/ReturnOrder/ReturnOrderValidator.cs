using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Orders.Commands.ReturnOrder;

public sealed class ReturnOrderValidator : AbstractValidator<ReturnOrderCommand>
{
    public ReturnOrderValidator()
    {
        RuleFor(c => c.OrderId).NotEmpty().WithMessage("'orderId' is required.");
        // No amount means "what is left"; a given amount obeys the usual money rules.
        When(c => c.Amount is not null, () =>
            RuleFor(c => c.Amount!.Value).ValidAmount().OverridePropertyName(nameof(ReturnOrderCommand.Amount)));
        RuleFor(c => c.Reason).RequiredText("reason", Refund.MaxReasonLength);
    }
}
