using FluentValidation;

namespace CleanWallet.Application.Administration.Commands.FreezeWallet;

public sealed class FreezeWalletValidator : AbstractValidator<FreezeWalletCommand>
{
    public FreezeWalletValidator() =>
        RuleFor(c => c.Reason).MaximumLength(AdministrationAudit.MaxReasonLength)
            .WithMessage($"'reason' may have at most {AdministrationAudit.MaxReasonLength} characters.");
}
