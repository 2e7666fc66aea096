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

    /// <summary>
    /// Moves the wallet and records why. A debit obeys the wallet's rules like any other (refused when frozen or
    /// when it would go below zero, or below minus the credit limit); a credit lands even on a frozen wallet.
    /// Nothing changes when the adjustment is refused.
    /// </summary>
    public static (Adjustment Adjustment, LedgerEntry Entry) Apply(Wallet wallet, LedgerDirection direction, decimal amount,
        string reason, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        // Checked before the wallet moves, so a refused adjustment leaves the wallet untouched.
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"An adjustment needs a reason of 1 to {MaxReasonLength} characters.");
        if (string.IsNullOrWhiteSpace(actor))
            throw new ArgumentException("An adjustment needs an actor.", nameof(actor));
        Money.EnsureValidAmount(amount);

        var id = Guid.CreateVersion7(now);
        var reference = new LedgerReference(LedgerReference.Adjustment, id);
        var entry = direction switch
        {
            LedgerDirection.Credit => wallet.Credit(amount, LedgerEntryType.AdjustmentCredit, reference, reason, actor, now),
            LedgerDirection.Debit => wallet.Debit(amount, LedgerEntryType.AdjustmentDebit, reference, reason, actor, now),
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown adjustment direction."),
        };

        var adjustment = new Adjustment
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
        return (adjustment, entry);
    }
}
