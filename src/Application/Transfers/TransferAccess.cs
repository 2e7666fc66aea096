using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Transfers;

namespace CleanWallet.Application.Transfers;

public static class TransferAccess
{
    /// <summary>Staff see every transfer; a customer sees those that leave or reach one of its wallets.</summary>
    public static IQueryable<Transfer> VisibleTo(this IQueryable<Transfer> transfers, IReadStore read, ICallerContext caller)
    {
        if (caller.Role != CallerRole.Customer)
            return transfers;

        var customerId = caller.CustomerId;
        var wallets = read.Wallets;
        return transfers.Where(t => wallets.Any(w => w.CustomerId == customerId && (w.Id == t.FromWalletId || w.Id == t.ToWalletId)));
    }
}
