using CleanWallet.Application.Administration;
using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Wallets.Commands.OpenWallet;

/// <summary>
/// Opens another wallet of a customer in a currency it has no wallet in yet. The customer row is locked first, so
/// parallel opens of one customer run one after the other and the later ones see the wallet the first one made (409).
/// </summary>
public sealed record OpenWalletCommand(Guid CustomerId, string Currency) : IIdempotentCommand<WalletDto>;

public sealed class OpenWalletHandler(
    ICustomerStore customers,
    IWalletStore wallets,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<OpenWalletCommand, WalletDto>
{
    public async Task<WalletDto> Handle(OpenWalletCommand command, CancellationToken cancellationToken)
    {
        // Another customer's id is reported as missing, like every other resource of another customer.
        if (!caller.CanAccess(command.CustomerId))
            throw new NotFoundException("Customer", command.CustomerId);
        var customer = await customers.FindForUpdateAsync(command.CustomerId, cancellationToken)
                       ?? throw new NotFoundException("Customer", command.CustomerId);

        var held = await wallets.CurrenciesOfCustomerAsync(customer.Id, cancellationToken);
        var wallet = Wallet.OpenAnother(customer, held, command.Currency, clock.StorableNow());
        wallets.Add(wallet);

        var dto = WalletDto.From(wallet);
        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AdministrationAudit.Open, AdministrationAudit.WalletTarget, wallet.Id, Currency: wallet.Currency,
                After: dto));
        return dto;
    }
}
