using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Transfers;

/// <summary>
/// Money moved from one wallet to another of the same currency: a TransferOut entry on the source and a
/// TransferIn entry on the destination, both referencing the transfer, which names both entries in turn.
/// Only <see cref="Execute"/> creates one, so a transfer never exists without its two movements.
/// </summary>
public sealed class Transfer
{
    public const int MaxDescriptionLength = 500;

    private Transfer()
    {
        Currency = string.Empty;
        Description = string.Empty;
        Actor = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid FromWalletId { get; private set; }
    public Guid ToWalletId { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; }
    public string Description { get; private set; }
    public Guid OutEntryId { get; private set; }
    public Guid InEntryId { get; private set; }
    public string Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Two different wallets of one currency: the only pairs money may move between.</summary>
    public static void EnsureCanConnect(Wallet from, Wallet to)
    {
        if (from.Id == to.Id)
            throw new DomainException(ErrorCodes.InvalidArgument, "A transfer needs two different wallets.");
        if (!string.Equals(from.Currency, to.Currency, StringComparison.Ordinal))
            throw new DomainException(ErrorCodes.CurrencyMismatch,
                $"The source wallet holds {from.Currency} but the destination wallet holds {to.Currency}; a transfer needs one currency.",
                details: new Dictionary<string, object?> { ["fromCurrency"] = from.Currency, ["toCurrency"] = to.Currency });
    }

    /// <summary>
    /// Debits <paramref name="from"/> as the customer's spending (every rule of <see cref="Wallet.EnsureCanSpend"/>:
    /// currency, frozen, per-transaction maximum, daily spending, available funds including holds) and credits
    /// <paramref name="to"/>. Every rule is checked before either wallet changes, so a refused transfer leaves both
    /// untouched. Both wallets must be locked by the caller for the rest of its transaction.
    /// </summary>
    public static TransferExecution Execute(Wallet from, Wallet to, Money amount, string description, SpendingLimits limits,
        string actor, DateTimeOffset now)
    {
        EnsureCanConnect(from, to);
        from.EnsureCanSpend(amount, limits, now);
        if (description.Length > MaxDescriptionLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A description may have at most {MaxDescriptionLength} characters.");
        if (string.IsNullOrWhiteSpace(actor))
            throw new ArgumentException("A transfer needs an actor.", nameof(actor));

        var id = Guid.CreateVersion7(now);
        var reference = new LedgerReference(LedgerReference.Transfer, id);
        // Every rule was checked above; the debit and the credit after it cannot fail.
        var outEntry = from.Debit(amount.Amount, LedgerEntryType.TransferOut, reference, description, actor, now);
        var inEntry = to.Credit(amount.Amount, LedgerEntryType.TransferIn, reference, description, actor, now);

        var transfer = new Transfer
        {
            Id = id,
            FromWalletId = from.Id,
            ToWalletId = to.Id,
            Amount = outEntry.Amount,
            Currency = from.Currency,
            Description = description,
            OutEntryId = outEntry.Id,
            InEntryId = inEntry.Id,
            Actor = actor,
            CreatedAt = now,
        };
        return new TransferExecution(transfer, outEntry, inEntry);
    }
}

/// <summary>A new transfer with the two ledger entries that must be stored with it.</summary>
public sealed record TransferExecution(Transfer Transfer, LedgerEntry OutEntry, LedgerEntry InEntry);
