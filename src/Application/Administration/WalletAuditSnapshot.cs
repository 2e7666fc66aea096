using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Administration;

/// <summary>What the audit log keeps of a wallet before and after an admin action.</summary>
public sealed record WalletAuditSnapshot(decimal Balance, string Status)
{
    public static WalletAuditSnapshot Of(Wallet wallet) => new(wallet.Balance, wallet.Status.ToString());
}
