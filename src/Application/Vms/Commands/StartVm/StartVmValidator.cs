using FluentValidation;

namespace CleanWallet.Application.Vms.Commands.StartVm;

public sealed class StartVmValidator : AbstractValidator<StartVmCommand>
{
    public StartVmValidator()
    {
        RuleFor(c => c.VmId).NotEmpty().WithMessage("'vmId' is required.");
    }
}
