namespace CleanWallet.Domain.Common;

/// <summary>
/// The one catalogue of the stable <c>code</c>s an error answer (problem+json) carries: one name per meaning, and every
/// thrower and writer of an error uses these constants. The README's error-code table lists exactly these (a test checks
/// it). A card processor's own decline code is passed through as a payment's <c>code</c> when it is a plain code
/// (lower-case letters, digits, underscores, at most 64 characters); otherwise it is answered as <see cref="CardDeclined"/>
/// or <see cref="RefundDeclined"/>.
/// </summary>
public static class ErrorCodes
{
    // 400: the request itself is wrong; nothing was looked at.

    /// <summary>400: one or more fields break a validation rule; <c>errors</c> names each field.</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>400: the body or a parameter cannot be read (not JSON, wrong type, unknown or repeated field, U+0000).</summary>
    public const string MalformedRequest = "malformed_request";
    /// <summary>400: the <c>Idempotency-Key</c> header is not one value of 1 to 255 visible ASCII characters.</summary>
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    /// <summary>400: the framework refused the request for another reason.</summary>
    public const string BadRequest = "bad_request";

    // 401, 403, 404, 405

    /// <summary>401: no API key, an unknown one, or a revoked one.</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>403: the key's role may not call this (an ops key moving money, a customer key on an admin route).</summary>
    public const string Forbidden = "forbidden";
    /// <summary>404: no such resource, or it belongs to another customer (both look the same), or no such route.</summary>
    public const string NotFound = "not_found";
    /// <summary>405: the route exists but not with this HTTP method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    // 409: the resource's state does not allow the operation now.

    /// <summary>409: the resource's state does not allow this (freezing a frozen wallet, stopping a stopped VM, revoking a revoked key).</summary>
    public const string Conflict = "conflict";
    /// <summary>409: the customer already has a wallet in this currency.</summary>
    public const string WalletExists = "wallet_exists";
    /// <summary>409: a customer cannot revoke its own last active API key.</summary>
    public const string LastActiveKey = "last_active_key";
    /// <summary>409: the hold was captured or voided already.</summary>
    public const string HoldNotActive = "hold_not_active";
    /// <summary>409: the hold passed its expiry time, whether or not the expiry job has released it yet.</summary>
    public const string HoldExpired = "hold_expired";
    /// <summary>409: the hold reserves an order's amount; only the order's own life cycle captures or voids it.</summary>
    public const string HoldBelongsToOrder = "hold_belongs_to_order";
    /// <summary>409: the order is still being fulfilled; it can be cancelled once the outcome is known.</summary>
    public const string OrderInFulfilment = "order_in_fulfilment";
    /// <summary>409: the VM is deleted; it can still be read, but nothing can be done to it.</summary>
    public const string VmDeleted = "vm_deleted";
    /// <summary>409: another integrity check is running (one runs at a time); nothing was written. Retry after <c>Retry-After</c> seconds.</summary>
    public const string IntegrityCheckRunning = "integrity_check_running";
    /// <summary>409: other requests kept changing the same rows and this one did not get through in its retries; nothing was applied. Retry after <c>Retry-After</c> seconds, with the same key.</summary>
    public const string ConcurrentUpdate = "concurrent_update";

    // 413, 415

    /// <summary>413: the request body is larger than the server accepts.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>415: the body is not sent as <c>application/json</c>.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    // 422: a business rule says no; nothing was changed.

    /// <summary>422: the wallet's available funds (balance + credit limit − held) do not cover the amount.</summary>
    public const string InsufficientFunds = "insufficient_funds";
    /// <summary>422: the wallet is frozen and refuses debits (it still accepts credits).</summary>
    public const string WalletFrozen = "wallet_frozen";
    /// <summary>422: one movement above the per-transaction maximum (<c>Limits__MaxTransactionAmount</c>).</summary>
    public const string AmountOverLimit = "amount_over_limit";
    /// <summary>422: the movement would take the wallet's spending today (UTC) above its daily limit.</summary>
    public const string DailyLimitExceeded = "daily_limit_exceeded";
    /// <summary>422: an amount that is zero, negative or has more than two decimals.</summary>
    public const string InvalidAmount = "invalid_amount";
    /// <summary>422: an argument a business rule refuses (a too-long text, two equal wallets in a transfer).</summary>
    public const string InvalidArgument = "invalid_argument";
    /// <summary>422: money in two different currencies meets (a transfer between wallets of different currencies).</summary>
    public const string CurrencyMismatch = "currency_mismatch";
    /// <summary>422: a capture asked for more than the hold reserves.</summary>
    public const string CaptureExceedsHold = "capture_exceeds_hold";
    /// <summary>422: an order's amount is not the sum of its items' price × quantity.</summary>
    public const string AmountMismatch = "amount_mismatch";
    /// <summary>422: the refund would take the refunded total above the paid amount.</summary>
    public const string RefundExceedsPayment = "refund_exceeds_payment";
    /// <summary>422: this kind of payment cannot be refunded this way (a card top-up already credited to a wallet).</summary>
    public const string RefundNotSupported = "refund_not_supported";
    /// <summary>422: the <c>Idempotency-Key</c> was already used with a different request.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    /// <summary>422: the card processor declined the charge; the Failed payment is named in the answer.</summary>
    public const string CardDeclined = "card_declined";
    /// <summary>422: reconciliation found the processor never saw the charge: the card was not charged.</summary>
    public const string CardNotCharged = "card_not_charged";
    /// <summary>422: the card payment failed with no decline code recorded.</summary>
    public const string PaymentFailed = "payment_failed";
    /// <summary>422: the card processor declined the refund; nothing was refunded.</summary>
    public const string RefundDeclined = "refund_declined";
    /// <summary>422: the card processor refused the refund request itself (e.g. an unknown charge reference).</summary>
    public const string RefundRejected = "refund_rejected";
    /// <summary>422: the framework refused the request as unprocessable for another reason.</summary>
    public const string Unprocessable = "unprocessable";

    // 429

    /// <summary>429: too many requests for this key (or client address); <c>Retry-After</c> says when to retry.</summary>
    public const string RateLimited = "rate_limited";

    // 5xx: our side; nothing was applied unless the answer says it may have been.

    /// <summary>500: an unexpected error; nothing was applied. Quote the <c>requestId</c> to support.</summary>
    public const string InternalError = "internal_error";
    /// <summary>503: the card processor gave no definitive answer; nothing was recorded. Retry with the same key.</summary>
    public const string PaymentGatewayUnavailable = "payment_gateway_unavailable";
    /// <summary>503: the database is unavailable or restarting; the request was not completed (with <c>Retry-After</c>).</summary>
    public const string DatabaseUnavailable = "database_unavailable";
    /// <summary>503: the database stopped answering during the commit; it may have applied. Retry with the same key (with <c>Retry-After</c>).</summary>
    public const string CommitOutcomeUnknown = "commit_outcome_unknown";
    /// <summary>503: a dependency is unavailable (framework answer, e.g. a failing health check).</summary>
    public const string ServiceUnavailable = "service_unavailable";

    /// <summary>Any other 4xx the framework produces that has no code of its own.</summary>
    public const string Error = "error";
}
