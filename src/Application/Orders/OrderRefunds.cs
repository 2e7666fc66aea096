using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Orders;

/// <summary>
/// Gives an order's money back to its wallet the way every wallet refund does: the payment registers it (never
/// above what was paid), a Refund entry referencing the payment credits the wallet, a refund row names that entry.
/// Lock order: the caller holds the order; then the payment, then the wallet, like a refund of the payment itself.
/// </summary>
internal static class OrderRefunds
{
    /// <summary>The actor of what the system does by itself: recording fulfilment outcomes and their refunds.</summary>
    public const string SystemActor = "system:order-fulfilment";

    public static async Task<PaymentRecord> LockPaymentAsync(IRefundStore refunds, Order order, CancellationToken ct)
    {
        var paymentId = order.PaymentId ?? throw new InvalidOperationException($"Order {order.Id} is {order.Status} but has no payment.");
        var payment = await refunds.FindPaymentForUpdateAsync(paymentId, ct)
                      ?? throw new InvalidOperationException($"Payment {paymentId} of order {order.Id} does not exist.");
        if (payment.Method != PaymentMethod.Wallet || payment.WalletId != order.WalletId)
            throw new InvalidOperationException($"Payment {paymentId} is not order {order.Id}'s wallet payment.");
        return payment;
    }

    /// <summary>Refunds <paramref name="amount"/> of the locked <paramref name="payment"/> to the order's wallet.</summary>
    public static async Task<Refund> ToWalletAsync(IRefundStore refunds, IWalletStore wallets, Order order, PaymentRecord payment,
        decimal amount, string reason, string actor, DateTimeOffset now, CancellationToken ct)
    {
        payment.RegisterRefund(amount, now);
        var wallet = await wallets.FindForUpdateAsync(order.WalletId, ct)
                     ?? throw new InvalidOperationException($"Wallet {order.WalletId} of order {order.Id} does not exist.");
        // A credit: lands on a frozen wallet too, since the money is the customer's.
        var entry = wallet.Credit(amount, LedgerEntryType.Refund, LedgerReference.ForPayment(payment.Id), reason, actor, now);
        wallets.AddEntry(entry);
        var refund = Refund.ToWallet(payment, amount, reason, entry.Id, actor, now);
        refunds.Add(refund);
        return refund;
    }

    /// <summary>A reason that fits a refund and a ledger entry, whatever an outside service sent.</summary>
    public static string Fit(string reason, int maxLength = Refund.MaxReasonLength) =>
        reason.Length <= maxLength ? reason : reason[..(maxLength - 1)] + "…";
}
