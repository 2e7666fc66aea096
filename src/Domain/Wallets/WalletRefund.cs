using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Wallets;

/// <summary>A refund of a Wallet payment back to its wallet and the Refund entry that credited it.</summary>
public sealed record WalletRefund(Refund Refund, LedgerEntry Entry);
