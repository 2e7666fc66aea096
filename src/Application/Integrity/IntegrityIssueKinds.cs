namespace CleanWallet.Application.Integrity;

/// <summary>
/// The stable kinds of issue an integrity check reports. Each names one broken rule, so monitoring can count them
/// and an operator knows where to look.
/// </summary>
public static class IntegrityIssueKinds
{
    /// <summary>The wallet's balance is not the sum of its ledger (credits minus debits); also entries of a wallet that does not exist.</summary>
    public const string BalanceMismatch = "balance_mismatch";

    /// <summary>The wallet's last_sequence is not the highest sequence of its ledger.</summary>
    public const string LastSequenceMismatch = "last_sequence_mismatch";

    /// <summary>An entry whose balance_after is not balance_before plus (credit) or minus (debit) its amount.</summary>
    public const string EntryArithmetic = "entry_arithmetic";

    /// <summary>A wallet's sequences do not run 1, 2, 3 … without a gap.</summary>
    public const string SequenceGap = "sequence_gap";

    /// <summary>An entry's balance_before is not the previous entry's balance_after (0 for the first entry).</summary>
    public const string ChainBreak = "chain_break";

    /// <summary>A payment that moved a wallet (wallet payment or card top-up, Paid or refunded) without its matching ledger entry.</summary>
    public const string PaidPaymentWithoutEntry = "paid_payment_without_entry";

    /// <summary>
    /// An entry caused by a payment (wallet payment, top-up or refund) that no record explains: the payment or refund does not
    /// exist, does not name this entry, or the payment never completed (Pending, Failed).
    /// </summary>
    public const string PaymentEntryWithoutPayment = "payment_entry_without_payment";

    /// <summary>An entry whose reference (transfer, adjustment, order, unknown type) names no record, or one that does not name this entry.</summary>
    public const string OrphanEntry = "orphan_entry";

    /// <summary>A transfer, adjustment or refund whose ledger entry is missing or does not match it.</summary>
    public const string RecordWithoutEntry = "record_without_entry";

    /// <summary>
    /// A usage charge whose billed VM-hours (vm_usage rows) are missing or do not add up to it, its VM does not exist, or
    /// billed hours naming an entry that is not their usage charge.
    /// </summary>
    public const string UsageMismatch = "usage_mismatch";

    // Issue 8 (§4 time order, §6 refunds, orders and card references).

    /// <summary>An entry stamped earlier than the entry before it: a wallet's ledger must be ordered the same by sequence and by time.</summary>
    public const string TimeOrder = "time_order";

    /// <summary>A payment whose refunded_amount is not the sum of its refunds.</summary>
    public const string RefundedAmountMismatch = "refunded_amount_mismatch";

    /// <summary>A Cancelled order (or a Failed one of the old debit-first design, which names a payment) whose payment was not given back in full by refunds.</summary>
    public const string OrderNotRefunded = "order_not_refunded";

    // Issue 9 (orders on holds).

    /// <summary>
    /// An order whose hold does not match its status: a Fulfilling order without an Active hold of its amount, a Completed
    /// (Cancelled, Returned) order whose hold is not Captured in full by the order's payment, a Failed order (on a hold)
    /// whose hold is not Voided or Expired.
    /// </summary>
    public const string OrderHoldMismatch = "order_hold_mismatch";

    /// <summary>Two or more card payments that took money (Paid or refunded) naming one gateway reference: one charge credited twice.</summary>
    public const string DuplicateGatewayReference = "duplicate_gateway_reference";

    /// <summary>A card top-up that credited its wallet (a Deposit) without the gateway reference of the charge behind it.</summary>
    public const string DepositWithoutGatewayReference = "deposit_without_gateway_reference";

    /// <summary>
    /// A card payment the card processor reports with another amount or currency than the record (found by reconciliation);
    /// it is left Pending, never completed automatically. A direct card payment is reported on its customer's wallet.
    /// </summary>
    public const string GatewayMismatch = "gateway_mismatch";

    /// <summary>
    /// A VM whose billed_through moved past hours that are neither billed (a vm_usage row) nor recorded as not run
    /// (a vm_idle_periods row: stopped or suspended throughout); or hours accounted for twice.
    /// </summary>
    public const string SkippedVmHours = "skipped_vm_hours";

    /// <summary>The wallet's held total is not the sum of its Active holds.</summary>
    public const string HeldMismatch = "held_mismatch";

    /// <summary>
    /// A Captured hold and the payment its capture made do not name each other (holds.payment_id ↔ payments.hold_id), or
    /// the payment is not of the captured amount and currency.
    /// </summary>
    public const string HoldCaptureMismatch = "hold_capture_mismatch";
}
