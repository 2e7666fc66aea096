using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Payments;

public enum PaymentMethod
{
    Wallet,
    Card,
}

public enum PaymentStatus
{
    Pending,
    Paid,
    Failed,
    PartiallyRefunded,
    Refunded,
}

/// <summary>
/// The payment aggregate: Pending → Paid | Failed, then (refunds) PartiallyRefunded → Refunded.
/// A payment that moves a wallet is linked to its ledger entry, and the entry's reference names the payment.
/// </summary>
public sealed class PaymentRecord
{
    public const int MaxDescriptionLength = 500;
    public const int MaxReferenceLength = 100;
    public const int MaxFailureCodeLength = 64;
    public const int MaxGatewayMismatchLength = 500;

    private PaymentRecord()
    {
        Currency = string.Empty;
        Description = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid? WalletId { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; }
    public PaymentMethod Method { get; private set; }
    public PaymentStatus Status { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public Guid? LedgerEntryId { get; private set; }

    /// <summary>The hold this payment captured, for a payment made by capturing one.</summary>
    public Guid? HoldId { get; private set; }
    public string Description { get; private set; }
    public string? ExternalReference { get; private set; }
    public string? GatewayReference { get; private set; }
    public string? FailureCode { get; private set; }

    /// <summary>
    /// The key every call to the card processor about this charge carries, derived from the payment's own id: one key
    /// per payment, so a retry, a client replay or the reconciliation job asking again is the same charge to the processor.
    /// </summary>
    public string? GatewayIdempotencyKey { get; private set; }

    /// <summary>
    /// Set when the card processor reports a charge under this payment's key for another amount or currency. Such a
    /// payment is never completed automatically: it stays Pending for a person to resolve, and the integrity check reports it.
    /// </summary>
    public string? GatewayMismatch { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>What may still be refunded: the paid amount less what has been refunded already.</summary>
    public decimal RefundableAmount => Amount - RefundedAmount;

    /// <summary>A card charge that credited a wallet (a top-up), as opposed to a direct card payment.</summary>
    public bool IsCardTopUp => Method == PaymentMethod.Card && WalletId is not null;

    /// <summary>A purchase paid from the customer's wallet.</summary>
    public static PaymentRecord StartWalletPayment(Guid customerId, Guid walletId, decimal amount, string currency,
        string description, string? externalReference, DateTimeOffset now) =>
        Start(customerId, walletId, PaymentMethod.Wallet, amount, currency, description, externalReference, now);

    /// <summary>The Wallet payment a hold's capture makes: of <paramref name="captured"/>, naming the hold and carrying its reference.</summary>
    internal static PaymentRecord StartHoldCapture(Holds.Hold hold, Money captured, DateTimeOffset now)
    {
        var payment = Start(hold.CustomerId, hold.WalletId, PaymentMethod.Wallet, captured.Amount, captured.Currency, hold.Description,
            hold.Reference, now);
        payment.HoldId = hold.Id;
        return payment;
    }

    /// <summary>A card charge: into a wallet (a top-up) when <paramref name="walletId"/> is given, otherwise a direct payment.</summary>
    public static PaymentRecord StartCardPayment(Guid customerId, Guid? walletId, decimal amount, string currency,
        string description, DateTimeOffset now)
    {
        var payment = Start(customerId, walletId, PaymentMethod.Card, amount, currency, description, null, now);
        payment.GatewayIdempotencyKey = $"charge:{payment.Id}";
        return payment;
    }

    private static PaymentRecord Start(Guid customerId, Guid? walletId, PaymentMethod method, decimal amount,
        string currency, string description, string? externalReference, DateTimeOffset now)
    {
        Money.EnsureValidAmount(amount);
        Money.EnsureValidCurrency(currency);
        if (description.Length > MaxDescriptionLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A description may have at most {MaxDescriptionLength} characters.");
        if (externalReference is { Length: > MaxReferenceLength })
            throw new DomainException(ErrorCodes.InvalidArgument, $"A reference may have at most {MaxReferenceLength} characters.");

        return new PaymentRecord
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            WalletId = walletId,
            Amount = Money.Normalize(amount),
            Currency = currency,
            Method = method,
            Status = PaymentStatus.Pending,
            RefundedAmount = 0.00m,
            Description = description,
            ExternalReference = externalReference,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Completes the payment. A payment that moves a wallet must name the ledger entry that moved it,
    /// so no wallet payment is ever Paid without its entry.
    /// </summary>
    public void MarkPaid(Guid? ledgerEntryId, string? gatewayReference, DateTimeOffset now)
    {
        EnsureStatus(PaymentStatus.Pending, "mark as paid");
        if (GatewayMismatch is not null)
            throw new InvalidOperationException("A payment whose processor charge does not match it is never completed automatically.");
        if (WalletId is not null && ledgerEntryId is null)
            throw new InvalidOperationException("A payment that moves a wallet must be linked to its ledger entry.");
        if (WalletId is null && ledgerEntryId is not null)
            throw new InvalidOperationException("A payment that moves no wallet cannot have a ledger entry.");

        LedgerEntryId = ledgerEntryId;
        // The processor's reference is outside input; the money has moved by now, so an oversized one is cut, never refused.
        GatewayReference = gatewayReference is { Length: > MaxReferenceLength } ? gatewayReference[..MaxReferenceLength] : gatewayReference;
        Status = PaymentStatus.Paid;
        UpdatedAt = now;
    }

    public void MarkFailed(string failureCode, DateTimeOffset now)
    {
        EnsureStatus(PaymentStatus.Pending, "mark as failed");
        if (!IsUsableCode(failureCode))
            throw new ArgumentException($"A failure code is 1 to {MaxFailureCodeLength} lower-case letters, digits and underscores.", nameof(failureCode));
        FailureCode = failureCode;
        Status = PaymentStatus.Failed;
        UpdatedAt = now;
    }

    /// <summary>
    /// A card the processor declined. Its decline code is outside input: it is kept when it is a plain short code
    /// (see <see cref="IsUsableCode"/>), otherwise <paramref name="fallbackCode"/> is recorded instead, so an odd or
    /// oversized code from the processor can neither break the record nor reach clients as an unstable error code.
    /// </summary>
    public void MarkDeclined(string? processorCode, string fallbackCode, DateTimeOffset now) =>
        MarkFailed(processorCode is not null && IsUsableCode(processorCode) ? processorCode : fallbackCode, now);

    /// <summary>Lower-case ASCII letters, digits and underscores, starting with a letter, at most <see cref="MaxFailureCodeLength"/> long.</summary>
    public static bool IsUsableCode(string code) =>
        code.Length is > 0 and <= MaxFailureCodeLength && code[0] is >= 'a' and <= 'z'
        && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    /// <summary>
    /// Checks what the card processor says it charged under this payment's key against the payment. A difference in amount
    /// or currency is recorded (the payment stays Pending, never completed automatically) and false is returned.
    /// </summary>
    public bool ConfirmProcessorCharge(decimal chargedAmount, string chargedCurrency, DateTimeOffset now)
    {
        EnsureStatus(PaymentStatus.Pending, "confirm the processor charge of");
        if (chargedAmount == Amount && string.Equals(chargedCurrency, Currency, StringComparison.Ordinal))
            return true;

        var detail = $"the card processor charged {chargedAmount:0.00##} {Sanitised(chargedCurrency, 8)} under key {GatewayIdempotencyKey}, " +
                     $"but the payment is {Amount:0.00} {Currency}";
        GatewayMismatch = detail.Length <= MaxGatewayMismatchLength ? detail : detail[..MaxGatewayMismatchLength];
        UpdatedAt = now;
        return false;
    }

    private static string Sanitised(string text, int maxLength)
    {
        var printable = new string(text.Where(c => c is >= ' ' and <= '~').Take(maxLength).ToArray());
        return printable.Length == 0 ? "(none)" : printable;
    }

    /// <summary>
    /// Records that <paramref name="amount"/> of the payment was given back. Only money actually taken can be
    /// returned: a Pending or Failed payment is a conflict (409); a refund beyond what is still refundable,
    /// including any refund of an already fully Refunded payment, is refused with
    /// <see cref="ErrorCodes.RefundExceedsPayment"/> (422), so the sum of refunds never exceeds the paid amount.
    /// Where the money goes (wallet credit or card refund) is the caller's job, in the same transaction.
    /// </summary>
    public void RegisterRefund(decimal amount, DateTimeOffset now)
    {
        if (Status is PaymentStatus.Pending or PaymentStatus.Failed)
            throw new DomainException(ErrorCodes.Conflict,
                $"Cannot refund a payment that is {Status}; only a Paid or PartiallyRefunded payment took money that can be given back.",
                DomainErrorKind.Conflict);
        // A Refunded payment has nothing left, whatever was asked (also a "refund the rest" of 0.00): the same
        // answer a refund gets when another one used up the rest just before it.
        if (Status == PaymentStatus.Refunded)
            throw RefundExceeds(amount, $"The payment is already fully refunded ({RefundedAmount:0.00} {Currency}); nothing is left to refund.");
        Money.EnsureValidAmount(amount);
        if (amount > RefundableAmount)
            throw RefundExceeds(amount,
                $"A refund of {amount:0.00} {Currency} exceeds what is still refundable on this payment: {RefundableAmount:0.00} {Currency} " +
                $"of {Amount:0.00} {Currency} paid ({RefundedAmount:0.00} already refunded).");

        RefundedAmount = Money.Normalize(RefundedAmount + amount);
        Status = RefundedAmount == Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        UpdatedAt = now;
    }

    private DomainException RefundExceeds(decimal requested, string message) =>
        new(ErrorCodes.RefundExceedsPayment, message, details: new Dictionary<string, object?>
        {
            ["requested"] = requested,
            ["refundable"] = RefundableAmount,
            ["paid"] = Amount,
            ["refunded"] = RefundedAmount,
            ["currency"] = Currency,
        });

    private void EnsureStatus(PaymentStatus expected, string action)
    {
        if (Status != expected)
            throw new DomainException(ErrorCodes.Conflict,
                $"Cannot {action} a payment that is {Status}; it must be {expected}.", DomainErrorKind.Conflict);
    }
}
