using CleanWallet.Domain.Adjustments;

namespace CleanWallet.Domain.Wallets;

/// <summary>An admin's adjustment and the entry it caused, each naming the other.</summary>
public sealed record AdjustmentMovement(Adjustment Adjustment, LedgerEntry Entry);
