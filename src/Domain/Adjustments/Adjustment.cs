using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Adjustments;

/// <summary>
/// A manual correction of a wallet by an admin: money in or out with a mandatory reason. It exists together with
/// the ledger entry it caused (the entry's reference names the adjustment, the adjustment names the entry), so a
/// manual movement is as explainable as any other.
/// </summary>
public sealed class Adjustment
{
    public const int MaxReasonLength = 500;

    private Adjustment()
    {
        Reason = string.Empty;
        Actor = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WalletId { get; private set; }
    public LedgerDirection Direction { get; private set; }
    public decimal Amount { get; private set; }
    public string Reason { get; private set; }
    public Guid LedgerEntryId { get; private set; }
    public string Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>A reason of 1 to <see cref="MaxReasonLength"/> characters: an adjustment without one explains nothing.</summary>
    public static void EnsureValidReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"An adjustment needs a reason of 1 to {MaxReasonLength} characters.");
    }

    /// <summary>Records the adjustment <see cref="Wallet.Adjust"/> made with <paramref name="entry"/>, the only way one is created.</summary>
    internal static Adjustment Record(Guid id, Wallet wallet, LedgerDirection direction, LedgerEntry entry, string reason,
        string actor, DateTimeOffset now) => new()
    {
        Id = id,
        WalletId = wallet.Id,
        Direction = direction,
        Amount = entry.Amount,
        Reason = reason,
        LedgerEntryId = entry.Id,
        Actor = actor,
        CreatedAt = now,
    };
}
