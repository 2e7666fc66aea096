using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Customers;
using CleanWallet.Application.Customers.Commands.CreateCustomer;
using CleanWallet.Application.Customers.Queries.GetCustomer;
using CleanWallet.Application.Customers.Queries.ListCustomers;
using CleanWallet.Application.Wallets;
using CleanWallet.Application.Wallets.Commands.OpenWallet;
using MediatR;

namespace CleanWallet.Api.Endpoints.Customers;

public static class CustomersEndpoints
{
    public sealed record CreateCustomerRequest(string? Name, string? BillingModel, decimal? CreditLimit, string? Currency);

    public sealed record OpenWalletRequest(string? Currency);

    public static void MapCustomersEndpoints(this IEndpointRouteBuilder api)
    {
        // Outside the admin-only group: the customer itself may open its own wallets too (money movers: never ops).
        api.MapPost("/customers/{id:guid}/wallets", async (Guid id, OpenWalletRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var wallet = await mediator.SendIdempotent(http, new OpenWalletCommand(id, body.Currency ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/wallets/{wallet.Id}", wallet);
            })
            .WithName("OpenWallet")
            .ProducesProblems(409, 422)
            .WithTags("Customers")
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Open the customer's wallet in another currency: one wallet per currency (409 wallet_exists)")
            .Produces<WalletDto>(StatusCodes.Status201Created);

        var customers = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Admin);

        customers.MapPost("/", async (CreateCustomerRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(
                    new CreateCustomerCommand(body.Name ?? string.Empty, body.BillingModel ?? string.Empty, body.CreditLimit, body.Currency), ct);
                return TypedResults.Created($"/api/v1/customers/{created.CustomerId}", created);
            })
            .WithName("CreateCustomer")
            .ProducesProblems(422)
            .WithSummary("Create a customer and its wallet; the answer holds its API key, shown only this once")
            .Produces<CreatedCustomer>(StatusCodes.Status201Created);

        customers.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCustomerQuery(id), ct)))
            .WithName("GetCustomer")
            .WithSummary("One customer")
            .Produces<CustomerDto>();

        customers.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize) =>
                TypedResults.Ok(await mediator.Send(new ListCustomersQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize), ct)))
            .WithName("ListCustomers")
            .WithSummary("Customers, newest first")
            .Produces<PagedResult<CustomerDto>>();
    }
}
