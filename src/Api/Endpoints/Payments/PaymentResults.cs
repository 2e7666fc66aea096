using CleanWallet.Api.Errors;
using CleanWallet.Application.Payments;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Api.Endpoints.Payments;

public static class PaymentResults
{
    /// <summary>
    /// 201 with the payment (and the wallet's new balance) when it went through; a declined card is a 422
    /// problem whose <c>code</c> is the decline reason and which names the Failed payment record.
    /// </summary>
    public static IResult Created(HttpContext http, PaymentDto payment)
    {
        if (payment.Status == nameof(PaymentStatus.Failed))
            return ProblemResponses.Result(http, 422, payment.FailureCode ?? "payment_failed",
                "The card was declined; nothing was charged and no wallet moved.",
                new Dictionary<string, object?> { ["paymentId"] = payment.Id, ["payment"] = payment });

        return TypedResults.Created($"/api/v1/payments/{payment.Id}", payment);
    }
}
