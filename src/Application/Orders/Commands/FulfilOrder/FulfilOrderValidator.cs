using FluentValidation;

namespace CleanWallet.Application.Orders.Commands.FulfilOrder;

public sealed class FulfilOrderValidator : AbstractValidator<FulfilOrderCommand>
{
    public FulfilOrderValidator()
    {
        RuleFor(c => c.OrderId).NotEmpty().WithMessage("'orderId' is required.");
    }
}
