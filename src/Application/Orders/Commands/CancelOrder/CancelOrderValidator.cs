using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Orders.Commands.CancelOrder;

public sealed class CancelOrderValidator : AbstractValidator<CancelOrderCommand>
{
    public CancelOrderValidator()
    {
        RuleFor(c => c.OrderId).NotEmpty().WithMessage("'orderId' is required.");
        // Optional, but when given it becomes the refund's reason, with the same limit.
        RuleFor(c => c.Reason).MaximumLength(Refund.MaxReasonLength)
            .WithMessage($"'reason' may have at most {Refund.MaxReasonLength} characters.");
    }
}
