using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Payments;

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

    /// <summary>The sum of the wallet's Active holds: a running total kept under the row lock, verified by the integrity check.</summary>
    public decimal Held { get; private set; }
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

    /// <summary>What the wallet may still spend: balance plus the credit an invoice customer is granted, less what holds reserve.</summary>
    public decimal Available => AvailableOf(Balance, CreditLimit, Held);

    /// <summary>
    /// What a wallet can spend: its balance, plus its credit limit, less what holds reserve. The one definition, for the
    /// aggregate and for the read side's projections alike.
    /// </summary>
    public static decimal AvailableOf(decimal balance, decimal creditLimit, decimal held) => balance + creditLimit - held;

    public WalletId WalletId => new(Id);

    public static Wallet Open(Customer customer, string currency, decimal creditLimit, DateTimeOffset now)
    {
        Money.EnsureValidCurrency(currency);
        if (creditLimit < 0m || !Money.HasAtMostTwoDecimals(creditLimit))
            throw new DomainException(ErrorCodes.InvalidArgument, "A credit limit must be zero or positive, with at most two decimals.");
        if (customer.BillingModel == BillingModel.Payg && creditLimit != 0m)
            throw new DomainException(ErrorCodes.InvalidArgument, "A prepaid (PAYG) wallet cannot have a credit limit.");

        return new Wallet
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customer.Id,
            Currency = currency,
            Balance = 0.00m,
            Held = 0.00m,
            CreditLimit = Money.Normalize(creditLimit),
            Status = WalletStatus.Active,
            LastSequence = 0,
            CreatedAt = now,
        };
    }

    /// <summary>
    /// Opens a further wallet of <paramref name="customer"/> in <paramref name="currency"/>: a customer holds at most one
    /// wallet per currency (409 wallet_exists otherwise; the unique (customer_id, currency) constraint is the backstop).
    /// It starts empty, Active and without credit.
    /// </summary>
    public static Wallet OpenAnother(Customer customer, IReadOnlyCollection<string> currenciesHeld, string currency, DateTimeOffset now)
    {
        Money.EnsureValidCurrency(currency);
        if (currenciesHeld.Contains(currency, StringComparer.Ordinal))
            throw new DomainException(ErrorCodes.WalletExists, $"Customer {customer.Id} already has a {currency} wallet.",
                DomainErrorKind.Conflict, new Dictionary<string, object?> { ["currency"] = currency });
        return Open(customer, currency, creditLimit: 0m, now);
    }

    /// <summary>
    /// Pays for something from the wallet: every spending rule (<see cref="EnsureCanSpend"/>) is checked first, then a
    /// Wallet payment record and its one Payment entry are made, linked both ways. The caller stores both.
    /// </summary>
    public WalletPayment Pay(Money amount, string description, string? reference, SpendingLimits limits, string actor,
        DateTimeOffset now)
    {
        EnsureCanSpend(amount, limits, now);
        var payment = PaymentRecord.StartWalletPayment(CustomerId, Id, amount.Amount, Currency, description, reference, now);
        var entry = Debit(amount.Amount, LedgerEntryType.Payment, LedgerReference.ForPayment(payment.Id), description, actor, now);
        payment.MarkPaid(entry.Id, gatewayReference: null, now);
        return new WalletPayment(payment, entry);
    }

    /// <summary>
    /// Credits a card top-up the processor approved: one Deposit entry referencing the payment, which is marked Paid
    /// with it. A frozen wallet still takes it (money in is always accepted).
    /// </summary>
    public LedgerEntry DepositCardTopUp(PaymentRecord topUp, string? gatewayReference, string actor, DateTimeOffset now)
    {
        if (!topUp.IsCardTopUp || topUp.WalletId != Id)
            throw new ArgumentException($"Payment {topUp.Id} is not a card top-up of wallet {Id}.", nameof(topUp));
        Money.Of(topUp.Amount, topUp.Currency).EnsureCurrency(Currency);
        var entry = Credit(topUp.Amount, LedgerEntryType.Deposit, LedgerReference.ForPayment(topUp.Id), topUp.Description, actor, now);
        topUp.MarkPaid(entry.Id, gatewayReference, now);
        return entry;
    }

    /// <summary>
    /// Gives back <paramref name="amount"/> (all that is still refundable when null) of a Wallet payment made from this
    /// wallet: the payment registers it (never above what was paid, 422 otherwise), one Refund entry referencing the
    /// payment credits the wallet (a frozen one too: the money is the customer's), and a refund row names that entry.
    /// </summary>
    public WalletRefund RefundPayment(PaymentRecord payment, Money? amount, string reason, string actor, DateTimeOffset now)
    {
        if (payment.Method != PaymentMethod.Wallet || payment.WalletId != Id)
            throw new ArgumentException($"Payment {payment.Id} is not a wallet payment of wallet {Id}.", nameof(payment));
        amount?.EnsureCurrency(Currency);
        // Nothing left to refund is refused by the payment (422 refund_exceeds_payment), whether or not an amount was named.
        var refunded = amount?.Amount ?? payment.RefundableAmount;
        payment.RegisterRefund(refunded, now);
        var entry = Credit(refunded, LedgerEntryType.Refund, LedgerReference.ForPayment(payment.Id), reason, actor, now);
        var refund = Refund.ToWallet(payment, refunded, reason, entry.Id, actor, now);
        return new WalletRefund(refund, entry);
    }

    /// <summary>
    /// An admin's correction with its reason: a credit lands even on a frozen wallet; a debit obeys the per-transaction
    /// maximum, the freeze and available funds like any other debit (it is not the customer's spending, so the daily
    /// limit does not apply). Nothing changes when it is refused.
    /// </summary>
    public AdjustmentMovement Adjust(LedgerDirection direction, Money amount, string reason, SpendingLimits limits, string actor,
        DateTimeOffset now)
    {
        amount.EnsureCurrency(Currency);
        limits.EnsureWithinMaximum(amount.Amount);
        Adjustment.EnsureValidReason(reason);
        var id = Guid.CreateVersion7(now);
        var reference = new LedgerReference(LedgerReference.Adjustment, id);
        var entry = direction switch
        {
            LedgerDirection.Credit => Credit(amount.Amount, LedgerEntryType.AdjustmentCredit, reference, reason, actor, now),
            LedgerDirection.Debit => Debit(amount.Amount, LedgerEntryType.AdjustmentDebit, reference, reason, actor, now),
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown adjustment direction."),
        };
        return new AdjustmentMovement(Adjustment.Record(id, this, direction, entry, reason, actor, now), entry);
    }

    /// <summary>
    /// Money in, for the movements above and a transfer's incoming side. A frozen wallet still accepts credits, so a
    /// customer can always pay what is owed.
    /// </summary>
    internal LedgerEntry Credit(decimal amount, LedgerEntryType type, LedgerReference reference, string description,
        string actor, DateTimeOffset now)
    {
        EnsureDirection(type, LedgerDirection.Credit);
        Money.EnsureValidAmount(amount);
        return Append(type, amount, reference, description, actor, now);
    }

    /// <summary>
    /// Money out, for the movements above and a transfer's outgoing side, which check the spending rules first; as a
    /// backstop it still refuses a frozen wallet and missing funds.
    /// </summary>
    internal LedgerEntry Debit(decimal amount, LedgerEntryType type, LedgerReference reference, string description,
        string actor, DateTimeOffset now)
    {
        EnsureDirection(type, LedgerDirection.Debit);
        Money.EnsureValidAmount(amount);
        EnsureNotFrozen();
        EnsureFundsFor(amount);
        var entry = Append(type, amount, reference, description, actor, now);
        if (IsCustomerSpending(type))
            // The day the entry is stamped on, so the daily total and the ledger always agree on which day it was spent.
            CountSpending(entry.Amount, DayOf(entry.CreatedAt));
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

    /// <summary>
    /// Reserves <paramref name="amount"/> until <paramref name="expiresAt"/>: refused exactly like a payment (frozen,
    /// funds including other holds, per-transaction maximum, daily spending). The balance and the ledger do not change;
    /// the held total and the day's spending do. The caller stores the returned hold in the same transaction.
    /// </summary>
    public Hold PlaceHold(Money amount, string description, string? reference, DateTimeOffset expiresAt, SpendingLimits limits,
        string actor, DateTimeOffset now, OrderId? forOrder = null)
    {
        EnsureCanSpend(amount, limits, now);
        var day = DayOf(EntryTimeAt(now));
        var hold = Hold.Place(WalletId, new CustomerId(CustomerId), amount, description, reference, expiresAt, day, actor, now, forOrder);
        Held += amount.Amount;
        CountSpending(amount.Amount, day);
        return hold;
    }

    /// <summary>
    /// Settles an Active, unexpired hold of this wallet with one Wallet payment of <paramref name="amount"/> (all of the
    /// hold when null; 422 capture_exceeds_hold above it) and its Payment entry; what is not captured is released.
    /// Neither funds nor the freeze are checked again: the money was reserved when the hold was placed, and usage
    /// charged since (which ignores holds) must not undo a reservation already granted.
    /// </summary>
    public WalletPayment CaptureHold(Hold hold, Money? amount, string actor, DateTimeOffset now)
    {
        EnsureOwn(hold);
        hold.EnsureCapturable(now);
        var captured = hold.CaptureAmount(amount);
        var payment = PaymentRecord.StartHoldCapture(hold, captured, now);
        var entry = Append(LedgerEntryType.Payment, captured.Amount, LedgerReference.ForPayment(payment.Id), hold.Description, actor, now);
        payment.MarkPaid(entry.Id, gatewayReference: null, now);
        hold.MarkCaptured(captured, new PaymentId(payment.Id), now);
        Release(hold, hold.Amount, uncounted: hold.Amount - captured.Amount);
        return new WalletPayment(payment, entry);
    }

    /// <summary>Releases an Active hold of this wallet without moving money (409 when it is no longer Active).</summary>
    public void VoidHold(Hold hold, DateTimeOffset now)
    {
        EnsureOwn(hold);
        hold.MarkVoided(now);
        Release(hold, hold.Amount, uncounted: hold.Amount);
    }

    /// <summary>Releases an Active hold past its expiry time (the expiry job; 409 if a capture or void came first).</summary>
    public void ExpireHold(Hold hold, DateTimeOffset now)
    {
        EnsureOwn(hold);
        hold.MarkExpired(now);
        Release(hold, hold.Amount, uncounted: hold.Amount);
    }

    private void EnsureOwn(Hold hold)
    {
        if (hold.WalletId != Id)
            throw new ArgumentException($"Hold {hold.Id} belongs to wallet {hold.WalletId}, not {Id}.", nameof(hold));
    }

    /// <summary>
    /// Takes a closed hold off the held total, and gives the part that was not spent back to the day's spending total
    /// when that day is still the one the wallet counts: a hold placed yesterday and released after the wallet has spent
    /// today gives nothing back to today's total, which it never counted.
    /// </summary>
    private void Release(Hold hold, decimal held, decimal uncounted)
    {
        Held -= held;
        if (uncounted > 0m && SpendingDay == hold.SpendingDay)
            SpentOnSpendingDay = Math.Max(0.00m, SpentOnSpendingDay - uncounted);
    }

    /// <summary>
    /// Every rule a spending movement obeys, checked before anything changes: the wallet's currency, not frozen, the
    /// per-transaction maximum, the daily spending limit at the time the movement is stamped, and available funds
    /// (holds included).
    /// </summary>
    public void EnsureCanSpend(Money amount, SpendingLimits limits, DateTimeOffset now)
    {
        amount.EnsureCurrency(Currency);
        EnsureNotFrozen();
        limits.EnsureWithinMaximum(amount.Amount);
        if (limits.DailyLimit is { } daily)
            EnsureWithinDailySpending(amount.Amount, daily, now);
        EnsureFundsFor(amount.Amount);
    }

    private void CountSpending(decimal amount, DateOnly day)
    {
        SpentOnSpendingDay = (SpendingDay == day ? SpentOnSpendingDay : 0.00m) + amount;
        SpendingDay = day;
    }

    /// <summary>
    /// Below zero for a prepaid wallet, past its credit limit for an invoice wallet: money actually owed. Holds do not
    /// count (a reservation may still be voided), the same rule as the billing run's suspension.
    /// </summary>
    public bool IsOverdrawn => Balance + CreditLimit < 0m;

    /// <summary>Payments and transfers out are the customer's own spending; usage charges and admin corrections are not.</summary>
    public static bool IsCustomerSpending(LedgerEntryType type) => type is LedgerEntryType.Payment or LedgerEntryType.TransferOut;

    /// <summary>What the customer has spent (and reserved with holds) on the UTC day of <paramref name="now"/>.</summary>
    public decimal SpentOn(DateTimeOffset now) => SpendingDay == DayOf(now) ? SpentOnSpendingDay : 0.00m;

    /// <summary>Refuses spending that would take the day's total above <paramref name="dailyLimit"/>.</summary>
    internal void EnsureWithinDailySpending(decimal amount, decimal dailyLimit, DateTimeOffset now)
    {
        // Checked against the day the debit's entry will be stamped on, which is never before the last entry's.
        var spentToday = SpentOn(EntryTimeAt(now));
        if (spentToday + amount > dailyLimit)
            throw new DomainException(ErrorCodes.DailyLimitExceeded,
                $"The wallet may spend {dailyLimit:0.00} {Currency} a day; {spentToday:0.00} is spent today, so {amount:0.00} is too much.",
                details: new Dictionary<string, object?> { ["limit"] = dailyLimit, ["spentToday"] = spentToday, ["amount"] = amount });
    }

    private static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    /// <summary>Stops every debit (credits still land) until an admin unfreezes the wallet.</summary>
    public void Freeze()
    {
        if (Status == WalletStatus.Frozen)
            throw new DomainException(ErrorCodes.Conflict, "The wallet is already frozen.", DomainErrorKind.Conflict);
        Status = WalletStatus.Frozen;
    }

    public void Unfreeze()
    {
        if (Status != WalletStatus.Frozen)
            throw new DomainException(ErrorCodes.Conflict, "The wallet is not frozen.", DomainErrorKind.Conflict);
        Status = WalletStatus.Active;
    }

    public void EnsureNotFrozen()
    {
        if (Status == WalletStatus.Frozen)
            throw new DomainException(ErrorCodes.WalletFrozen, "The wallet is frozen and refuses debits.");
    }

    public void EnsureFundsFor(decimal amount)
    {
        if (amount > Available)
            throw new DomainException(ErrorCodes.InsufficientFunds,
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
            throw new DomainException(ErrorCodes.InvalidArgument, $"A description may have at most {LedgerEntry.MaxDescriptionLength} characters.");

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
