using CleanWallet.Application.Common;
using CleanWallet.Domain.VirtualMachines;
using FluentValidation;

namespace CleanWallet.Application.Vms.Commands.ProvisionVm;

public sealed class ProvisionVmValidator : AbstractValidator<ProvisionVmCommand>
{
    public ProvisionVmValidator(VmCatalog catalog)
    {
        RuleFor(c => c.WalletId).NotEmpty().WithMessage("'walletId' is required.");
        RuleFor(c => c.Name).RequiredText("name", VirtualMachine.MaxNameLength);
        RuleFor(c => c.Size).ValidVmSize(catalog);
    }
}
