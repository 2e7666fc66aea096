using CleanWallet.Application.Me.Queries.GetMe;
using MediatR;

namespace CleanWallet.Api.Endpoints.Me;

public static class MeEndpoints
{
    public static void MapMeEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/me", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetMeQuery(), ct)))
            .WithName("GetMe")
            .WithTags("Me")
            .WithSummary("The caller: its key id and role, and for a customer key the customer with its wallets")
            .Produces<MeDto>();
}
