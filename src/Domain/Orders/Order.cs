using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Orders;

public enum OrderStatus
{
    /// <summary>Its amount is held on the wallet (an Active hold) while the fulfilment service is asked.</summary>
    Fulfilling,
    /// <summary>Fulfilled: the hold was captured by the order's one Payment entry.</summary>
    Completed,
    /// <summary>Fulfilment definitely failed (or never answered before the deadline): the hold was voided, no ledger entry.</summary>
    Failed,
    /// <summary>Cancelled after completion, within the cancellation window: its payment was refunded.</summary>
    Cancelled,
    /// <summary>All of a completed order came back by returns.</summary>
    Returned,
}

/// <summary>
/// The order aggregate, on a hold: placed Fulfilling (its amount held on the wallet, in the same transaction) →
/// Completed (fulfilled; the hold captured by one Wallet payment, whose id the order names) | Failed (fulfilment
/// refused, or no definite answer before the deadline; the hold voided, nothing in the ledger). A Completed order
/// within the cancellation window with nothing returned yet may be Cancelled; a Completed order may be returned in
/// parts until it is Returned. Every transition is guarded here; moving the money (capture, void, refund) is the
/// caller's job, in the same transaction, through the wallet aggregate and the payment's refunds.
/// </summary>
public sealed class Order
{
    public const int MaxDescriptionLength = 500;
    public const int MaxItems = 50;
    public const int MaxFulfilmentIdLength = 100;
    public const int MaxFailureReasonLength = 500;

    private Order()
    {
        Currency = string.Empty;
        Description = string.Empty;
        Items = [];
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid WalletId { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; }
    public string Description { get; private set; }
    public IReadOnlyList<OrderItem> Items { get; private set; }
    public OrderStatus Status { get; private set; }

    /// <summary>The Wallet payment that captured the order's hold (Completed and later).</summary>
    public Guid? PaymentId { get; private set; }

    public string? FulfilmentId { get; private set; }
    public string? FailureReason { get; private set; }

    /// <summary>Calls made to the fulfilment service for this order, retries and recovery included.</summary>
    public int FulfilmentAttempts { get; private set; }

    public decimal ReturnedAmount { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the hold was captured (the order paid); the cancellation window runs from here.</summary>
    public DateTimeOffset? PaidAt { get; private set; }

    /// <summary>
    /// Until when fulfilment is asked for: past it, recovery asks one last time and, without a definite answer, voids the
    /// hold and fails the order (needing a person's attention). The hold expires later than this.
    /// </summary>
    public DateTimeOffset FulfilmentDeadline { get; private set; }

    /// <summary>
    /// While in the future, one node works on this Fulfilling order (calls fulfilment, records the outcome); nobody else
    /// may. Claimed by a conditional UPDATE (the order store) before every call; also when nobody should try before then
    /// (after an unclear answer, the time recovery may ask again). Null once the order left Fulfilling.
    /// </summary>
    public DateTimeOffset? FulfilmentLeaseUntil { get; private set; }

    /// <summary>Who holds the lease: the claim that set <see cref="FulfilmentLeaseUntil"/>.</summary>
    public Guid? FulfilmentLeaseToken { get; private set; }

    public OrderId OrderId => new(Id);

    public Money Money => Money.Of(Amount, Currency);

    /// <summary>What may still be returned: the amount less what has been returned already.</summary>
    public decimal ReturnableAmount => Amount - ReturnedAmount;

    public bool IsPastDeadline(DateTimeOffset now) => now >= FulfilmentDeadline;

    /// <summary>
    /// A new order, Fulfilling, leased to <paramref name="leaseToken"/> until <paramref name="leaseUntil"/> (the request
    /// that places it fulfils it). The caller holds its amount on the wallet in the same transaction. When items are
    /// given, the amount must be exactly their sum (422 amount_mismatch): the service is never told of items nobody paid for.
    /// </summary>
    public static Order Place(Guid customerId, Guid walletId, decimal amount, string currency, string description,
        IReadOnlyList<OrderItem>? items, DateTimeOffset now, DateTimeOffset fulfilmentDeadline, Guid leaseToken, DateTimeOffset leaseUntil)
    {
        Money.EnsureValidAmount(amount);
        Money.EnsureValidCurrency(currency);
        if (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"An order needs a description of 1 to {MaxDescriptionLength} characters.");
        var lines = items?.ToArray() ?? [];
        if (lines.Length > MaxItems)
            throw new DomainException(ErrorCodes.InvalidArgument, $"An order may have at most {MaxItems} items.");
        foreach (var item in lines)
        {
            if (item is null)
                throw new DomainException(ErrorCodes.InvalidArgument, "An order item cannot be empty.");
            item.EnsureValid();
        }
        if (lines.Length > 0)
        {
            var total = lines.Sum(i => i.UnitPrice * i.Quantity);
            if (total != amount)
                throw new DomainException(ErrorCodes.AmountMismatch,
                    $"The order's amount {amount:0.00} {currency} is not the sum of its items' price × quantity, {total:0.00} {currency}.",
                    details: new Dictionary<string, object?> { ["amount"] = amount, ["itemsTotal"] = total, ["currency"] = currency });
        }
        if (fulfilmentDeadline <= now)
            throw new ArgumentException("An order's fulfilment deadline must be after it is placed.", nameof(fulfilmentDeadline));
        if (leaseToken == Guid.Empty || leaseUntil <= now)
            throw new ArgumentException("A new order is leased to the request that places it.", nameof(leaseToken));

        return new Order
        {
            Id = OrderId.New(now).Value,
            CustomerId = customerId,
            WalletId = walletId,
            Amount = Money.Normalize(amount),
            Currency = currency,
            Description = description,
            Items = lines.Select(i => i with { UnitPrice = Money.Normalize(i.UnitPrice) }).ToArray(),
            Status = OrderStatus.Fulfilling,
            ReturnedAmount = 0.00m,
            CreatedAt = now,
            UpdatedAt = now,
            FulfilmentDeadline = fulfilmentDeadline,
            FulfilmentLeaseToken = leaseToken,
            FulfilmentLeaseUntil = leaseUntil,
        };
    }

    /// <summary>Fulfilled: the caller captured the order's hold in this transaction by <paramref name="paymentId"/>.</summary>
    public void Complete(string fulfilmentId, Guid paymentId, int attempts, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Fulfilling, "complete");
        if (string.IsNullOrWhiteSpace(fulfilmentId) || fulfilmentId.Length > MaxFulfilmentIdLength)
            throw new ArgumentException($"A fulfilment id has 1 to {MaxFulfilmentIdLength} characters.", nameof(fulfilmentId));
        if (paymentId == Guid.Empty)
            throw new ArgumentException("A completed order names the payment that captured its hold.", nameof(paymentId));
        CountAttempts(attempts);
        FulfilmentId = fulfilmentId;
        PaymentId = paymentId;
        PaidAt = now;
        Status = OrderStatus.Completed;
        EndLease(now);
    }

    /// <summary>
    /// Fulfilment definitely did not happen (refused), or the deadline passed without a definite answer. The caller voids
    /// the order's hold in the same transaction: no money moved, so nothing is refunded.
    /// </summary>
    public void FailFulfilment(string reason, int attempts, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Fulfilling, "fail");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxFailureReasonLength)
            throw new ArgumentException($"A failure reason has 1 to {MaxFailureReasonLength} characters.", nameof(reason));
        CountAttempts(attempts);
        FailureReason = reason;
        Status = OrderStatus.Failed;
        EndLease(now);
    }

    /// <summary>
    /// The service gave no definite answer (timeout, 5xx after the last attempt, in progress, no fulfilment id): the order
    /// stays Fulfilling with its hold, and nobody asks again before <paramref name="retryAt"/>.
    /// </summary>
    public void RecordUnclearOutcome(int attempts, DateTimeOffset retryAt, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Fulfilling, "record an unclear fulfilment outcome of");
        CountAttempts(attempts);
        FulfilmentLeaseToken = null;
        FulfilmentLeaseUntil = retryAt;
        UpdatedAt = now;
    }

    /// <summary>
    /// Completed with nothing returned and paid no longer than <paramref name="window"/> ago. A partly returned order is
    /// returned further instead, so cancelling never has to guess what is left. A Fulfilling order waits for its outcome.
    /// </summary>
    public bool CanCancel(DateTimeOffset now, TimeSpan window) => Status switch
    {
        OrderStatus.Completed => ReturnedAmount == 0m && PaidAt is { } paidAt && now <= paidAt + window,
        _ => false,
    };

    /// <summary>409 order_in_fulfilment while Fulfilling, 409 conflict in any other state that cannot be cancelled.</summary>
    public void EnsureCanCancel(DateTimeOffset now, TimeSpan window)
    {
        if (Status == OrderStatus.Fulfilling)
            throw new DomainException(ErrorCodes.OrderInFulfilment,
                "The order is being fulfilled; it can be cancelled (or returned) once it is Completed.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
        if (!CanCancel(now, window))
        {
            var why = Status == OrderStatus.Completed
                ? ReturnedAmount > 0m
                    ? "part of it has been returned already; return the rest instead"
                    : $"its cancellation window of {window.TotalMinutes:0} minutes after payment has passed; return it instead"
                : $"it is {Status}";
            throw new DomainException(ErrorCodes.Conflict, $"The order cannot be cancelled: {why}.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
        }
    }

    /// <summary>Cancels the order (409 when it cannot be); the caller refunds the payment in the same transaction.</summary>
    public void Cancel(DateTimeOffset now, TimeSpan window)
    {
        EnsureCanCancel(now, window);
        Status = OrderStatus.Cancelled;
        UpdatedAt = now;
    }

    /// <summary>Only a fulfilled order (Completed, possibly partly returned already) can be returned: 409 otherwise.</summary>
    public void EnsureReturnable()
    {
        if (Status != OrderStatus.Completed)
            throw new DomainException(ErrorCodes.Conflict,
                $"Only a completed order can be returned; this order is {Status}.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
    }

    /// <summary>
    /// Records that <paramref name="amount"/> of the order came back; the order is Returned once all of it has.
    /// Never more than is left (422 refund_exceeds_payment, the same answer the payment gives).
    /// </summary>
    public void RegisterReturn(decimal amount, DateTimeOffset now)
    {
        EnsureReturnable();
        Money.EnsureValidAmount(amount);
        if (amount > ReturnableAmount)
            throw new DomainException(ErrorCodes.RefundExceedsPayment,
                $"A return of {amount:0.00} {Currency} exceeds what is left on this order: {ReturnableAmount:0.00} {Currency} " +
                $"of {Amount:0.00} {Currency} ({ReturnedAmount:0.00} already returned).",
                details: new Dictionary<string, object?>
                {
                    ["requested"] = amount,
                    ["returnable"] = ReturnableAmount,
                    ["amount"] = Amount,
                    ["returned"] = ReturnedAmount,
                    ["currency"] = Currency,
                });

        ReturnedAmount = Money.Normalize(ReturnedAmount + amount);
        if (ReturnedAmount == Amount)
            Status = OrderStatus.Returned;
        UpdatedAt = now;
    }

    private void EndLease(DateTimeOffset now)
    {
        FulfilmentLeaseToken = null;
        FulfilmentLeaseUntil = null;
        UpdatedAt = now;
    }

    private void CountAttempts(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        FulfilmentAttempts += attempts;
    }

    private void EnsureStatus(OrderStatus expected, string action)
    {
        if (Status != expected)
            throw new DomainException(ErrorCodes.Conflict,
                $"Cannot {action} an order that is {Status}; it must be {expected}.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
    }
}
