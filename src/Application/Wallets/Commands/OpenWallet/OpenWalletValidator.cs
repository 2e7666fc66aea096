using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Commands.OpenWallet;

public sealed class OpenWalletValidator : AbstractValidator<OpenWalletCommand>
{
    public OpenWalletValidator() =>
        RuleFor(c => c.Currency).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("'currency' is required.")
            .ValidCurrency()
            .OverridePropertyName("currency");
}
