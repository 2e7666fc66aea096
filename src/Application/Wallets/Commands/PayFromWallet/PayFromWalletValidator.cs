using CleanWallet.Application.Common;
using CleanWallet.Domain.Payments;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Commands.PayFromWallet;

public sealed class PayFromWalletValidator : AbstractValidator<PayFromWalletCommand>
{
    public PayFromWalletValidator()
    {
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Description).RequiredText("description", PaymentRecord.MaxDescriptionLength);
        RuleFor(c => c.Reference).MaximumLength(PaymentRecord.MaxReferenceLength)
            .WithMessage($"'reference' may have at most {PaymentRecord.MaxReferenceLength} characters.");
    }
}
