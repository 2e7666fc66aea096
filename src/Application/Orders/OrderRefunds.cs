using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Payments;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Orders;

/// <summary>
/// Gives an order's money back to its wallet the way every wallet refund does: the payment registers it (never
/// above what was paid), a Refund entry referencing the payment credits the wallet, a refund row names that entry.
/// Lock order: the caller holds the order; then the payment, then the wallet, like a refund of the payment itself. The
/// caller reads the time only once all three are held, so the Refund entry is never stamped before an entry that got
/// the wallet's lock first.
/// </summary>
internal static class OrderRefunds
{
    /// <summary>The actor of what the system does by itself for an order: capturing its hold once fulfilled (the Payment entry names it).</summary>
    public const string SystemActor = "system:order-fulfilment";

    /// <summary>Locks the locked <paramref name="order"/>'s payment, then its wallet: what giving its money back touches.</summary>
    public static async Task<(PaymentRecord Payment, Wallet Wallet)> LockPaymentAndWalletAsync(IRefundStore refunds, IWalletStore wallets,
        Order order, CancellationToken ct)
    {
        var paymentId = order.PaymentId ?? throw new InvalidOperationException($"Order {order.Id} is {order.Status} but has no payment.");
        var payment = await refunds.FindPaymentForUpdateAsync(paymentId, ct)
                      ?? throw new InvalidOperationException($"Payment {paymentId} of order {order.Id} does not exist.");
        if (payment.Method != PaymentMethod.Wallet || payment.WalletId != order.WalletId)
            throw new InvalidOperationException($"Payment {paymentId} is not order {order.Id}'s wallet payment.");
        var wallet = await wallets.FindForUpdateAsync(order.WalletId, ct)
                     ?? throw new InvalidOperationException($"Wallet {order.WalletId} of order {order.Id} does not exist.");
        return (payment, wallet);
    }

    /// <summary>Refunds <paramref name="amount"/> of the locked <paramref name="payment"/> to the order's locked <paramref name="wallet"/>.</summary>
    public static Refund ToWallet(IRefundStore refunds, IWalletStore wallets, PaymentRecord payment, Wallet wallet,
        decimal amount, string reason, string actor, DateTimeOffset now)
    {
        var (refund, entry) = wallet.RefundPayment(payment, Money.Of(amount, payment.Currency), reason, actor, now);
        wallets.AddEntry(entry);
        refunds.Add(refund);
        return refund;
    }

    /// <summary>A reason that fits a refund and a ledger entry, whatever an outside service sent.</summary>
    public static string Fit(string reason, int maxLength = Refund.MaxReasonLength) =>
        reason.Length <= maxLength ? reason : reason[..(maxLength - 1)] + "…";
}
