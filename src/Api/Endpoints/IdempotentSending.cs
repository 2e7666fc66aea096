using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Api.Endpoints;

/// <summary>How a money-moving endpoint sends its command.</summary>
public static class IdempotentSending
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>
    /// Sends the command and, when its answer is the stored answer of an earlier request with the same Idempotency-Key,
    /// marks the response <c>Idempotent-Replayed: true</c>, so a client can tell a replay from a first execution. The
    /// answer carries that itself (<see cref="IdempotentResponse.Replayed"/>); it holds for every status the endpoint
    /// answers with (a declined card's 422 included). The command is an idempotent command or a request that sends one
    /// and passes its answer's mark on (the two-phase card payments).
    /// </summary>
    public static async Task<TResponse> SendIdempotent<TResponse>(this IMediator mediator, HttpContext http,
        IRequest<TResponse> command, CancellationToken ct)
        where TResponse : IdempotentResponse
    {
        var response = await mediator.Send(command, ct);
        if (response.Replayed)
            http.Response.Headers[ReplayedHeader] = "true";
        return response;
    }
}
