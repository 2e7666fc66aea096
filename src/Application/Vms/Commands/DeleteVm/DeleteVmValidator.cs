using FluentValidation;

namespace CleanWallet.Application.Vms.Commands.DeleteVm;

public sealed class DeleteVmValidator : AbstractValidator<DeleteVmCommand>
{
    public DeleteVmValidator()
    {
        RuleFor(c => c.VmId).NotEmpty().WithMessage("'vmId' is required.");
    }
}
