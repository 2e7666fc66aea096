using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using MediatR;

namespace CleanWallet.Application.Me.Queries.GetMe;

/// <summary>Who the caller is: its key and role, and for a customer key the customer with its wallets.</summary>
public sealed record GetMeQuery : IQuery<MeDto>;

public sealed record MeDto(string? KeyId, string Role, MeCustomerDto? Customer);

public sealed record MeCustomerDto(Guid CustomerId, string Name, string BillingModel, IReadOnlyList<MeWalletDto> Wallets);

public sealed record MeWalletDto(Guid Id, string Currency, decimal Balance, decimal Held, decimal Available, string Status);

public sealed class GetMeHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetMeQuery, MeDto>
{
    public async Task<MeDto> Handle(GetMeQuery query, CancellationToken cancellationToken)
    {
        if (caller.Role != CallerRole.Customer || caller.CustomerId is not { } customerId)
            return new MeDto(caller.KeyId, caller.Role.ToString(), Customer: null);

        var customer = await read.FirstOrDefaultAsync(
            read.Customers.Where(c => c.Id == customerId).Select(c => new { c.Id, c.Name, BillingModel = c.BillingModel.ToString() }),
            cancellationToken) ?? throw new NotFoundException("Customer", customerId);
        // The wallet projection every wallet query uses, so "available" is computed in one place.
        var wallets = await read.ToListAsync(
            read.Wallets.Where(w => w.CustomerId == customerId).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Select(WalletDto.Projection),
            cancellationToken);
        return new MeDto(caller.KeyId, caller.Role.ToString(), new MeCustomerDto(customer.Id, customer.Name, customer.BillingModel,
            wallets.Select(w => new MeWalletDto(w.Id, w.Currency, w.Balance, w.Held, w.Available, w.Status)).ToList()));
    }
}
