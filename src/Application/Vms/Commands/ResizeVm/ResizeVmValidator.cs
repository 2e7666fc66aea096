using FluentValidation;

namespace CleanWallet.Application.Vms.Commands.ResizeVm;

public sealed class ResizeVmValidator : AbstractValidator<ResizeVmCommand>
{
    public ResizeVmValidator(VmCatalog catalog)
    {
        RuleFor(c => c.VmId).NotEmpty().WithMessage("'vmId' is required.");
        RuleFor(c => c.Size).ValidVmSize(catalog);
    }
}
