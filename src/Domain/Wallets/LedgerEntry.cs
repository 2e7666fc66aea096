namespace CleanWallet.Domain.Wallets;

/// <summary>
/// One immutable movement on a wallet. Only <see cref="Wallet"/> creates entries, so sequence and
/// balances always follow from the wallet's state at the moment of the movement.
/// </summary>
public sealed class LedgerEntry
{
    public const int MaxDescriptionLength = 500;

    private LedgerEntry()
    {
        Description = string.Empty;
        ReferenceType = string.Empty;
        Actor = string.Empty;
    }

    internal LedgerEntry(Guid walletId, long sequence, LedgerEntryType type, decimal amount, decimal balanceBefore,
        LedgerReference reference, string description, string actor, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WalletId = walletId;
        Sequence = sequence;
        Type = type;
        Direction = type.Direction();
        Amount = amount;
        BalanceBefore = balanceBefore;
        BalanceAfter = Direction == LedgerDirection.Credit ? balanceBefore + amount : balanceBefore - amount;
        ReferenceType = reference.Type;
        ReferenceId = reference.Id;
        Description = description;
        Actor = actor;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid WalletId { get; private set; }
    public long Sequence { get; private set; }
    public LedgerEntryType Type { get; private set; }
    public LedgerDirection Direction { get; private set; }
    public decimal Amount { get; private set; }
    public decimal BalanceBefore { get; private set; }
    public decimal BalanceAfter { get; private set; }
    public string ReferenceType { get; private set; }
    public Guid ReferenceId { get; private set; }
    public string Description { get; private set; }
    public string Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
