using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Application.Orders;

/// <summary>
/// An order as the API shows it, with the state of its payment (the capture of its hold, once Completed):
/// <see cref="PaymentStatus"/> and <see cref="RefundedAmount"/> show money given back (a cancellation, returns). A
/// Fulfilling or Failed order has no payment: its amount is (or was) only held.
/// </summary>
public sealed record OrderDto(
    Guid Id,
    Guid CustomerId,
    Guid WalletId,
    decimal Amount,
    string Currency,
    string Description,
    IReadOnlyList<OrderItem> Items,
    string Status,
    Guid? PaymentId,
    string? PaymentStatus,
    decimal RefundedAmount,
    string? FulfilmentId,
    string? FailureReason,
    int FulfilmentAttempts,
    decimal ReturnedAmount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset FulfilmentDeadline) : IdempotentResponse
{
    public static OrderDto From(Order o, PaymentRecord? payment) => new(
        o.Id, o.CustomerId, o.WalletId, o.Amount, o.Currency, o.Description, o.Items, o.Status.ToString(), o.PaymentId,
        payment?.Status.ToString(), payment?.RefundedAmount ?? 0.00m, o.FulfilmentId, o.FailureReason, o.FulfilmentAttempts,
        o.ReturnedAmount, o.CreatedAt, o.UpdatedAt, o.PaidAt, o.FulfilmentDeadline);

    /// <summary>
    /// Used by EF queries, so the database returns only these columns; the payment's state comes from a correlated
    /// lookup (one row by primary key), which keeps the order of the query it is applied to.
    /// </summary>
    public static Expression<Func<Order, OrderDto>> Projection(IQueryable<PaymentRecord> payments) => o => new OrderDto(
        o.Id, o.CustomerId, o.WalletId, o.Amount, o.Currency, o.Description, o.Items, o.Status.ToString(), o.PaymentId,
        payments.Where(p => p.Id == o.PaymentId).Select(p => p.Status.ToString()).FirstOrDefault(),
        payments.Where(p => p.Id == o.PaymentId).Select(p => (decimal?)p.RefundedAmount).FirstOrDefault() ?? 0.00m,
        o.FulfilmentId, o.FailureReason, o.FulfilmentAttempts, o.ReturnedAmount, o.CreatedAt, o.UpdatedAt, o.PaidAt, o.FulfilmentDeadline);
}
