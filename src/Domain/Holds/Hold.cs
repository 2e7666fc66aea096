using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Holds;

public enum HoldStatus
{
    /// <summary>Reserving its amount: the wallet's available funds are that much lower.</summary>
    Active,
    /// <summary>Settled by one payment of up to its amount; the rest, if any, was released.</summary>
    Captured,
    /// <summary>Released by its owner (or by a failed order) before it was captured.</summary>
    Voided,
    /// <summary>Released by the expiry job once its expiry time passed uncaptured.</summary>
    Expired,
}

/// <summary>
/// Money reserved on a wallet now and settled later (authorise, then capture or void). An Active hold lowers the
/// wallet's available funds and leaves its balance and ledger alone; it ends exactly once, as Captured (one Payment
/// entry of up to its amount), Voided or Expired. Only the <see cref="Wallets.Wallet"/> aggregate places and ends
/// holds, because every one of those steps changes the wallet's running held total under its row lock.
/// </summary>
public sealed class Hold
{
    public const int MaxDescriptionLength = 500;
    public const int MaxReferenceLength = 100;

    private Hold()
    {
        Currency = string.Empty;
        Description = string.Empty;
        Actor = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WalletId { get; private set; }
    public Guid CustomerId { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; }
    public string Description { get; private set; }
    public string? Reference { get; private set; }

    /// <summary>
    /// The order whose amount this hold reserves, if any. Such a hold is settled only by its order (capture when
    /// fulfilment succeeds, void when it definitely fails): the holds API refuses to capture or void it, and the expiry
    /// job leaves it to the order's recovery, because fulfilment may have happened while its outcome is unknown.
    /// </summary>
    public Guid? OrderId { get; private set; }

    public HoldStatus Status { get; private set; }

    /// <summary>What the capture took (0.00 until then, and for a voided or expired hold).</summary>
    public decimal CapturedAmount { get; private set; }

    /// <summary>The Wallet payment the capture made.</summary>
    public Guid? PaymentId { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>The UTC day whose spending total counted this hold when it was placed, so a release that day gives it back.</summary>
    public DateOnly SpendingDay { get; private set; }

    public string Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When it stopped being Active (captured, voided or expired).</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    public HoldId HoldId => new(Id);

    public Money Money => Money.Of(Amount, Currency);

    /// <summary>Active but past its expiry time: it can no longer be captured, and the expiry job will release it.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    internal static Hold Place(WalletId walletId, CustomerId customerId, Money amount, string description, string? reference,
        DateTimeOffset expiresAt, DateOnly spendingDay, string actor, DateTimeOffset now, OrderId? order)
    {
        if (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A hold needs a description of 1 to {MaxDescriptionLength} characters.");
        if (reference is { Length: > MaxReferenceLength })
            throw new DomainException(ErrorCodes.InvalidArgument, $"A reference may have at most {MaxReferenceLength} characters.");
        if (expiresAt <= now)
            throw new DomainException(ErrorCodes.InvalidArgument, "A hold must expire after it is placed.");
        if (string.IsNullOrWhiteSpace(actor))
            throw new ArgumentException("A hold needs an actor.", nameof(actor));

        return new Hold
        {
            Id = HoldId.New(now).Value,
            WalletId = walletId.Value,
            CustomerId = customerId.Value,
            Amount = amount.Amount,
            Currency = amount.Currency,
            Description = description,
            Reference = reference,
            OrderId = order?.Value,
            Status = HoldStatus.Active,
            CapturedAmount = 0.00m,
            ExpiresAt = expiresAt,
            SpendingDay = spendingDay,
            Actor = actor,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Refuses (409 hold_belongs_to_order) a client's capture or void of a hold that reserves an order's amount.</summary>
    public void EnsureSettledByClient()
    {
        if (OrderId is { } order)
            throw new DomainException(ErrorCodes.HoldBelongsToOrder,
                $"The hold reserves order {order}'s amount and is settled by that order.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["orderId"] = order });
    }

    /// <summary>Active and not past its expiry time; 409 hold_expired or hold_not_active otherwise.</summary>
    public void EnsureCapturable(DateTimeOffset now)
    {
        EnsureActive("captured");
        if (IsExpiredAt(now))
            throw new DomainException(ErrorCodes.HoldExpired,
                $"The hold expired at {ExpiresAt:O} and can no longer be captured.", DomainErrorKind.Conflict,
                new Dictionary<string, object?> { ["holdStatus"] = HoldStatus.Expired.ToString(), ["expiresAt"] = ExpiresAt });
    }

    /// <summary>The amount a capture takes: all of the hold when <paramref name="requested"/> is null; never more (422).</summary>
    public Money CaptureAmount(Money? requested)
    {
        if (requested is not { } amount)
            return Money;
        amount.EnsureCurrency(Currency);
        if (amount.Amount > Amount)
            throw new DomainException(ErrorCodes.CaptureExceedsHold,
                $"A capture of {amount} exceeds the hold's {Money}.",
                details: new Dictionary<string, object?> { ["requested"] = amount.Amount, ["held"] = Amount, ["currency"] = Currency });
        return amount;
    }

    internal void MarkCaptured(Money captured, PaymentId payment, DateTimeOffset now)
    {
        EnsureCapturable(now);
        CapturedAmount = captured.Amount;
        PaymentId = payment.Value;
        Close(HoldStatus.Captured, now);
    }

    internal void MarkVoided(DateTimeOffset now)
    {
        EnsureActive("voided");
        Close(HoldStatus.Voided, now);
    }

    /// <summary>Only a hold past its expiry time expires; the job asks under the hold's lock, so a capture that got it first wins.</summary>
    internal void MarkExpired(DateTimeOffset now)
    {
        EnsureActive("expired");
        if (!IsExpiredAt(now))
            throw new DomainException(ErrorCodes.Conflict, $"The hold does not expire before {ExpiresAt:O}.", DomainErrorKind.Conflict);
        Close(HoldStatus.Expired, now);
    }

    private void Close(HoldStatus status, DateTimeOffset now)
    {
        Status = status;
        ClosedAt = now;
        UpdatedAt = now;
    }

    private void EnsureActive(string action)
    {
        if (Status == HoldStatus.Active)
            return;
        var code = Status == HoldStatus.Expired ? ErrorCodes.HoldExpired : ErrorCodes.HoldNotActive;
        throw new DomainException(code, $"The hold is {Status} and cannot be {action}.", DomainErrorKind.Conflict,
            new Dictionary<string, object?> { ["holdStatus"] = Status.ToString() });
    }
}
