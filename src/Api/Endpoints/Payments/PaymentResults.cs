using CleanWallet.Api.Errors;
using CleanWallet.Application.Payments;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Endpoints.Payments;

public static class PaymentResults
{
    /// <summary>
    /// 201 with the payment (and the wallet's new balance) when it went through; a declined card is a 422
    /// problem whose <c>code</c> is the decline reason and which names the Failed payment record. A card payment whose
    /// outcome is not known yet (the processor gave no definitive answer, or recording it failed) is a 202 with the
    /// Pending payment and its Location: the card may have been charged; the reconciliation job settles it, and a replay
    /// with the same Idempotency-Key continues the same charge (it never charges twice).
    /// </summary>
    public static IResult Created(HttpContext http, PaymentDto payment)
    {
        if (payment.Status == nameof(PaymentStatus.Failed))
            return ProblemResponses.Result(http, 422, payment.FailureCode ?? ErrorCodes.PaymentFailed,
                "The card was declined; nothing was charged and no wallet moved.",
                new Dictionary<string, object?> { ["paymentId"] = payment.Id, ["payment"] = payment });

        if (payment.Status == nameof(PaymentStatus.Pending))
            return TypedResults.Accepted($"/api/v1/payments/{payment.Id}", payment);

        return TypedResults.Created($"/api/v1/payments/{payment.Id}", payment);
    }
}
