using FluentValidation;

namespace CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;

public sealed class RunIntegrityCheckValidator : AbstractValidator<RunIntegrityCheckCommand>
{
    public RunIntegrityCheckValidator()
    {
        RuleFor(c => c.Trigger).IsInEnum();
        RuleFor(c => c.Mode).IsInEnum();
    }
}
