using CleanWallet.Domain.Common;
using CleanWallet.Domain.Customers;

namespace CleanWallet.Domain.Wallets;

public enum WalletStatus
{
    Active,
    Frozen,
}

/// <summary>
/// The wallet aggregate. Its balance changes only through <see cref="Credit"/> and <see cref="Debit"/>,
/// each of which returns the ledger entry that explains the change, so balance = sum of ledger holds
/// by construction.
/// </summary>
public sealed class Wallet
{
    private Wallet() { Currency = string.Empty; }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public string Currency { get; private set; }
    public decimal Balance { get; private set; }
    public decimal CreditLimit { get; private set; }
    public WalletStatus Status { get; private set; }
    public decimal? LowBalanceThreshold { get; private set; }
    public long LastSequence { get; private set; }

    /// <summary>The UTC day <see cref="SpentOnSpendingDay"/> counts; a running total kept under the wallet's row lock.</summary>
    public DateOnly? SpendingDay { get; private set; }

    /// <summary>What the customer itself spent (payments, transfers out) on <see cref="SpendingDay"/>.</summary>
    public decimal SpentOnSpendingDay { get; private set; }

    /// <summary>When the wallet's last ledger entry was stamped (null before the first): no later entry is stamped earlier.</summary>
    public DateTimeOffset? LastEntryAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>What the wallet may still spend: balance plus the credit an invoice customer is granted.</summary>
    public decimal Available => Balance + CreditLimit;

    public static Wallet Open(Customer customer, string currency, decimal creditLimit, DateTimeOffset now)
    {
        Money.EnsureValidCurrency(currency);
        if (creditLimit < 0m || !Money.HasAtMostTwoDecimals(creditLimit))
            throw new DomainException(DomainErrorCodes.InvalidArgument, "A credit limit must be zero or positive, with at most two decimals.");
        if (customer.BillingModel == BillingModel.Payg && creditLimit != 0m)
            throw new DomainException(DomainErrorCodes.InvalidArgument, "A prepaid (PAYG) wallet cannot have a credit limit.");

        return new Wallet
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customer.Id,
            Currency = currency,
            Balance = 0.00m,
            CreditLimit = Money.Normalize(creditLimit),
            Status = WalletStatus.Active,
            LastSequence = 0,
            CreatedAt = now,
        };
    }

    /// <summary>Money in. A frozen wallet still accepts credits, so a customer can always pay what is owed.</summary>
    public LedgerEntry Credit(decimal amount, LedgerEntryType type, LedgerReference reference, string description,
        string actor, DateTimeOffset now)
    {
        EnsureDirection(type, LedgerDirection.Credit);
        Money.EnsureValidAmount(amount);
        return Append(type, amount, reference, description, actor, now);
    }

    /// <summary>Money out by the customer's own spending: refused when frozen or when funds do not cover it.</summary>
    public LedgerEntry Debit(decimal amount, LedgerEntryType type, LedgerReference reference, string description,
        string actor, DateTimeOffset now)
    {
        EnsureDirection(type, LedgerDirection.Debit);
        Money.EnsureValidAmount(amount);
        EnsureNotFrozen();
        EnsureFundsFor(amount);
        var entry = Append(type, amount, reference, description, actor, now);
        if (IsCustomerSpending(type))
        {
            // The day the entry is stamped on, so the daily total and the ledger always agree on which day it was spent.
            SpentOnSpendingDay = SpentOn(entry.CreatedAt) + entry.Amount;
            SpendingDay = DayOf(entry.CreatedAt);
        }
        return entry;
    }

    /// <summary>
    /// Charges VM usage that was already consumed. Unlike <see cref="Debit"/> it is neither refused for lack of funds nor
    /// on a frozen wallet: the service was delivered, so the debt is recorded, and the caller suspends the VM when the
    /// wallet is <see cref="IsOverdrawn"/>. Every other debit stays refused until a top-up covers it.
    /// </summary>
    public LedgerEntry ChargeUsage(decimal amount, LedgerReference reference, string description, string actor, DateTimeOffset now)
    {
        Money.EnsureValidAmount(amount);
        return Append(LedgerEntryType.UsageCharge, amount, reference, description, actor, now);
    }

    /// <summary>Below zero for a prepaid wallet, past its credit limit for an invoice wallet.</summary>
    public bool IsOverdrawn => Available < 0m;

    /// <summary>Payments and transfers out are the customer's own spending; usage charges and admin corrections are not.</summary>
    public static bool IsCustomerSpending(LedgerEntryType type) => type is LedgerEntryType.Payment or LedgerEntryType.TransferOut;

    /// <summary>What the customer has spent on the UTC day of <paramref name="now"/>.</summary>
    public decimal SpentOn(DateTimeOffset now) => SpendingDay == DayOf(now) ? SpentOnSpendingDay : 0.00m;

    /// <summary>Refuses spending that would take the day's total above <paramref name="dailyLimit"/>.</summary>
    public void EnsureWithinDailySpending(decimal amount, decimal dailyLimit, DateTimeOffset now)
    {
        // Checked against the day the debit's entry will be stamped on, which is never before the last entry's.
        var spentToday = SpentOn(EntryTimeAt(now));
        if (spentToday + amount > dailyLimit)
            throw new DomainException(DomainErrorCodes.DailyLimitExceeded,
                $"The wallet may spend {dailyLimit:0.00} {Currency} a day; {spentToday:0.00} is spent today, so {amount:0.00} is too much.",
                details: new Dictionary<string, object?> { ["limit"] = dailyLimit, ["spentToday"] = spentToday, ["amount"] = amount });
    }

    private static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    /// <summary>Stops every debit (credits still land) until an admin unfreezes the wallet.</summary>
    public void Freeze()
    {
        if (Status == WalletStatus.Frozen)
            throw new DomainException(DomainErrorCodes.InvalidState, "The wallet is already frozen.", DomainErrorKind.Conflict);
        Status = WalletStatus.Frozen;
    }

    public void Unfreeze()
    {
        if (Status != WalletStatus.Frozen)
            throw new DomainException(DomainErrorCodes.InvalidState, "The wallet is not frozen.", DomainErrorKind.Conflict);
        Status = WalletStatus.Active;
    }

    public void EnsureNotFrozen()
    {
        if (Status == WalletStatus.Frozen)
            throw new DomainException(DomainErrorCodes.WalletFrozen, "The wallet is frozen and refuses debits.");
    }

    public void EnsureFundsFor(decimal amount)
    {
        if (amount > Available)
            throw new DomainException(DomainErrorCodes.InsufficientFunds,
                $"The wallet has {Available:0.00} {Currency} available; {amount:0.00} {Currency} is required.",
                details: new Dictionary<string, object?> { ["required"] = amount, ["available"] = Available, ["currency"] = Currency });
    }

    private LedgerEntry Append(LedgerEntryType type, decimal amount, LedgerReference reference, string description,
        string actor, DateTimeOffset now)
    {
        // Every movement must be explainable: who did it and what caused it.
        if (string.IsNullOrWhiteSpace(actor))
            throw new ArgumentException("A ledger entry needs an actor.", nameof(actor));
        if (string.IsNullOrWhiteSpace(reference.Type) || reference.Id == Guid.Empty)
            throw new ArgumentException("A ledger entry needs a reference to what caused it.", nameof(reference));
        if (description.Length > LedgerEntry.MaxDescriptionLength)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"A description may have at most {LedgerEntry.MaxDescriptionLength} characters.");

        var entry = new LedgerEntry(Id, LastSequence + 1, type, Money.Normalize(amount), Balance, reference, description, actor,
            EntryTimeAt(now));
        LastSequence = entry.Sequence;
        LastEntryAt = entry.CreatedAt;
        Balance = entry.BalanceAfter;
        return entry;
    }

    /// <summary>
    /// The time the next entry is stamped with: <paramref name="now"/>, or the last entry's time if the clock reads
    /// earlier (another node's clock a little behind, a clock stepped back). Clamped rather than refused: a refund or a
    /// usage charge must not fail over a skewed clock, and the clamped time is the closest one that keeps a wallet's
    /// ledger ordered the same by sequence and by time, so statements and daily totals count each entry once, on the
    /// day its place in the ledger says.
    /// </summary>
    public DateTimeOffset EntryTimeAt(DateTimeOffset now) => LastEntryAt is { } last && last > now ? last : now;

    private static void EnsureDirection(LedgerEntryType type, LedgerDirection expected)
    {
        if (type.Direction() != expected)
            throw new ArgumentException($"{type} is not a {expected.ToString().ToLowerInvariant()} entry type.", nameof(type));
    }
}
