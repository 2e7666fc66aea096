using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Payments.Commands.PayByCard;

public sealed class PayByCardValidator : AbstractValidator<PayByCardCommand>
{
    public PayByCardValidator(ICallerContext caller)
    {
        RuleFor(c => c.CustomerId).NotNull().When(_ => caller.Role != CallerRole.Customer)
            .WithMessage("'customerId' is required when staff make a card payment.");
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Currency).ValidCurrency();
        RuleFor(c => c.CardToken).RequiredText("cardToken", 200);
        RuleFor(c => c.Description).RequiredText("description", PaymentRecord.MaxDescriptionLength);
    }
}
