using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Wallets;

// What the wallet's movement methods return: the records a movement made, to be stored together in the caller's
// transaction (the wallet row itself is already tracked).

/// <summary>A Wallet payment (made by <see cref="Wallet.Pay"/> or by capturing a hold) and its one Payment entry, linked both ways.</summary>
public sealed record WalletPayment(PaymentRecord Payment, LedgerEntry Entry);
