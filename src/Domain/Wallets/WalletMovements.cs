using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Wallets;

// What the wallet's movement methods return: the records a movement made, to be stored together in the caller's
// transaction (the wallet row itself is already tracked).

/// <summary>A Wallet payment (made by <see cref="Wallet.Pay"/> or by capturing a hold) and its one Payment entry, linked both ways.</summary>
public sealed record WalletPayment(PaymentRecord Payment, LedgerEntry Entry);

/// <summary>A refund of a Wallet payment back to its wallet and the Refund entry that credited it.</summary>
public sealed record WalletRefund(Refund Refund, LedgerEntry Entry);

/// <summary>An admin's adjustment and the entry it caused, each naming the other.</summary>
public sealed record AdjustmentMovement(Adjustment Adjustment, LedgerEntry Entry);
