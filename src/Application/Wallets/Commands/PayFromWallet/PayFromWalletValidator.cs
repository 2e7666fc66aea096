using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Wallets.Commands.PayFromWallet;

public sealed class PayFromWalletValidator : AbstractValidator<PayFromWalletCommand>
{
    public PayFromWalletValidator(IOptions<MoneyOptions> money)
    {
        RuleFor(c => c.Amount).ValidAmount(money.Value.MaxAmount);
        RuleFor(c => c.Description).RequiredText("description", PaymentRecord.MaxDescriptionLength);
        RuleFor(c => c.Reference).MaximumLength(PaymentRecord.MaxReferenceLength)
            .WithMessage($"'reference' may have at most {PaymentRecord.MaxReferenceLength} characters.");
    }
}
