using CleanWallet.Application.Common;
using CleanWallet.Domain.Transfers;
using FluentValidation;

namespace CleanWallet.Application.Transfers.Commands.CreateTransfer;

public sealed class CreateTransferValidator : AbstractValidator<CreateTransferCommand>
{
    public CreateTransferValidator()
    {
        RuleFor(c => c.FromWalletId).NotEqual(Guid.Empty).WithMessage("'fromWalletId' is required.");
        RuleFor(c => c.ToWalletId).NotEqual(Guid.Empty).WithMessage("'toWalletId' is required.");
        RuleFor(c => c.ToWalletId).NotEqual(c => c.FromWalletId).When(c => c.ToWalletId != Guid.Empty)
            .WithMessage("'toWalletId' must be a different wallet from 'fromWalletId'.");
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Description).RequiredText("description", Transfer.MaxDescriptionLength);
    }
}
