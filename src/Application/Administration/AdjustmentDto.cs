using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Administration;

/// <summary>An adjustment as the API shows it; <see cref="WalletBalance"/> is the wallet's balance right after it.</summary>
public sealed record AdjustmentDto(
    Guid Id,
    Guid WalletId,
    string Direction,
    decimal Amount,
    string Currency,
    string Reason,
    Guid LedgerEntryId,
    decimal WalletBalance,
    DateTimeOffset CreatedAt) : IdempotentResponse;
