using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Payments;

/// <summary>What the refund reads need of the payment, once the caller is allowed to see it.</summary>
internal sealed record RefundedPayment(Guid CustomerId, string Currency, string Status, decimal RefundedAmount);
