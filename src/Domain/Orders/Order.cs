using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Orders;

public enum OrderStatus
{
    Pending,
    Paid,
    Completed,
    Failed,
    Cancelled,
    Returned,
}

/// <summary>
/// The order aggregate: Pending → Paid (wallet debited, payment linked) → Completed (fulfilled, with the fulfilment
/// service's id) | Failed (fulfilment refused; the payment is refunded). A Paid order, or a Completed one within the
/// cancellation window with nothing returned yet, may be Cancelled; a Completed order may be returned in parts until
/// it is Returned. Every transition is guarded here; how the money moves back is the caller's job, in the same
/// transaction, through the payment's refunds.
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
    public Guid? PaymentId { get; private set; }
    public string? FulfilmentId { get; private set; }
    public string? FailureReason { get; private set; }

    /// <summary>Calls made to the fulfilment service for this order, retries included.</summary>
    public int FulfilmentAttempts { get; private set; }

    public decimal ReturnedAmount { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }

    /// <summary>What may still be returned: the amount less what has been returned already.</summary>
    public decimal ReturnableAmount => Amount - ReturnedAmount;

    public static Order Place(Guid customerId, Guid walletId, decimal amount, string currency, string description,
        IReadOnlyList<OrderItem>? items, DateTimeOffset now)
    {
        Money.EnsureValidAmount(amount);
        Money.EnsureValidCurrency(currency);
        if (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"An order needs a description of 1 to {MaxDescriptionLength} characters.");
        var lines = items?.ToArray() ?? [];
        if (lines.Length > MaxItems)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"An order may have at most {MaxItems} items.");
        foreach (var item in lines)
        {
            if (item is null)
                throw new DomainException(DomainErrorCodes.InvalidArgument, "An order item cannot be empty.");
            item.EnsureValid();
        }

        return new Order
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            WalletId = walletId,
            Amount = Money.Normalize(amount),
            Currency = currency,
            Description = description,
            Items = lines.Select(i => i with { UnitPrice = Money.Normalize(i.UnitPrice) }).ToArray(),
            Status = OrderStatus.Pending,
            ReturnedAmount = 0.00m,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The wallet was debited by <paramref name="paymentId"/> in this transaction; fulfilment may start.</summary>
    public void MarkPaid(Guid paymentId, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Pending, "mark as paid");
        if (paymentId == Guid.Empty)
            throw new ArgumentException("A paid order must name its payment.", nameof(paymentId));
        PaymentId = paymentId;
        PaidAt = now;
        Status = OrderStatus.Paid;
        UpdatedAt = now;
    }

    public void Complete(string fulfilmentId, int attempts, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Paid, "complete");
        if (string.IsNullOrWhiteSpace(fulfilmentId) || fulfilmentId.Length > MaxFulfilmentIdLength)
            throw new ArgumentException($"A fulfilment id has 1 to {MaxFulfilmentIdLength} characters.", nameof(fulfilmentId));
        CountAttempts(attempts);
        FulfilmentId = fulfilmentId;
        Status = OrderStatus.Completed;
        UpdatedAt = now;
    }

    /// <summary>The fulfilment service finally refused or never answered. The caller refunds the payment in the same transaction.</summary>
    public void FailFulfilment(string reason, int attempts, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Paid, "fail");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxFailureReasonLength)
            throw new ArgumentException($"A failure reason has 1 to {MaxFailureReasonLength} characters.", nameof(reason));
        CountAttempts(attempts);
        FailureReason = reason;
        Status = OrderStatus.Failed;
        UpdatedAt = now;
    }

    /// <summary>
    /// Paid (not fulfilled yet), or Completed with nothing returned and paid no longer than <paramref name="window"/> ago.
    /// A partly returned order is returned further instead, so cancelling never has to guess what is left.
    /// </summary>
    public bool CanCancel(DateTimeOffset now, TimeSpan window) => Status switch
    {
        OrderStatus.Paid => true,
        OrderStatus.Completed => ReturnedAmount == 0m && PaidAt is { } paidAt && now <= paidAt + window,
        _ => false,
    };

    /// <summary>Cancels the order (409 when it cannot be); the caller refunds the payment in the same transaction.</summary>
    public void Cancel(DateTimeOffset now, TimeSpan window)
    {
        if (!CanCancel(now, window))
        {
            var why = Status == OrderStatus.Completed
                ? ReturnedAmount > 0m
                    ? "part of it has been returned already; return the rest instead"
                    : $"its cancellation window of {window.TotalMinutes:0} minutes after payment has passed; return it instead"
                : $"it is {Status}";
            throw new DomainException(DomainErrorCodes.InvalidState, $"The order cannot be cancelled: {why}.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
        }
        Status = OrderStatus.Cancelled;
        UpdatedAt = now;
    }

    /// <summary>Only a fulfilled order (Completed, possibly partly returned already) can be returned: 409 otherwise.</summary>
    public void EnsureReturnable()
    {
        if (Status != OrderStatus.Completed)
            throw new DomainException(DomainErrorCodes.InvalidState,
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
            throw new DomainException(PaymentErrorCodes.RefundExceedsPayment,
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

    private void CountAttempts(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        FulfilmentAttempts += attempts;
    }

    private void EnsureStatus(OrderStatus expected, string action)
    {
        if (Status != expected)
            throw new DomainException(DomainErrorCodes.InvalidState,
                $"Cannot {action} an order that is {Status}; it must be {expected}.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderStatus"] = Status.ToString() });
    }
}
