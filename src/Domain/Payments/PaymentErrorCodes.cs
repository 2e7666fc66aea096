namespace CleanWallet.Domain.Payments;

/// <summary>Stable codes of refused payment operations, returned unchanged by the API.</summary>
public static class PaymentErrorCodes
{
    /// <summary>The refund would take the refunded total above the paid amount (422).</summary>
    public const string RefundExceedsPayment = "refund_exceeds_payment";

    /// <summary>This kind of payment cannot be refunded this way, e.g. a card top-up already credited to a wallet (422).</summary>
    public const string RefundNotSupported = "refund_not_supported";
}
