using FluentValidation;

namespace CleanWallet.Application.Vms.Commands.StopVm;

public sealed class StopVmValidator : AbstractValidator<StopVmCommand>
{
    public StopVmValidator()
    {
        RuleFor(c => c.VmId).NotEmpty().WithMessage("'vmId' is required.");
    }
}
