using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.Payments;

/// <summary>What the refund reads need of the payment, once the caller is allowed to see it.</summary>
internal sealed record RefundedPayment(Guid CustomerId, string Currency, string Status, decimal RefundedAmount);
