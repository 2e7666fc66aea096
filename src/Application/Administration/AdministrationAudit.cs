using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Administration;

public static class AdministrationAudit
{
    /// <summary>The audit log's reason column holds this many characters.</summary>
    public const int MaxReasonLength = 500;

    public const string WalletTarget = "wallet";
    public const string Freeze = "wallet.freeze";
    public const string Unfreeze = "wallet.unfreeze";
    public const string Open = "wallet.open";

    public static string AdjustmentAction(LedgerDirection direction) =>
        $"wallet.adjustment.{direction.ToString().ToLowerInvariant()}";
}
