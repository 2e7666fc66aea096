using FluentValidation;

namespace CleanWallet.Application.Administration.Commands.SetWalletFrozen;

public sealed class SetWalletFrozenValidator : AbstractValidator<SetWalletFrozenCommand>
{
    public SetWalletFrozenValidator() =>
        RuleFor(c => c.Reason).MaximumLength(AdministrationAudit.MaxReasonLength)
            .WithMessage($"'reason' may have at most {AdministrationAudit.MaxReasonLength} characters.");
}
