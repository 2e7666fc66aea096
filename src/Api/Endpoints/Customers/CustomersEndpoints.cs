using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Customers;
using CleanWallet.Application.Customers.Commands.CreateCustomer;
using CleanWallet.Application.Customers.Queries.GetCustomer;
using CleanWallet.Application.Customers.Queries.ListCustomers;
using MediatR;

namespace CleanWallet.Api.Endpoints.Customers;

public static class CustomersEndpoints
{
    public sealed record CreateCustomerRequest(string? Name, string? BillingModel, decimal? CreditLimit, string? Currency);

    public static void MapCustomersEndpoints(this IEndpointRouteBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Admin);

        customers.MapPost("/", async (CreateCustomerRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(
                    new CreateCustomerCommand(body.Name ?? string.Empty, body.BillingModel ?? string.Empty, body.CreditLimit, body.Currency), ct);
                return TypedResults.Created($"/api/v1/customers/{created.CustomerId}", created);
            })
            .WithSummary("Create a customer and its wallet; the answer holds its API key, shown only this once")
            .Produces<CreatedCustomer>(StatusCodes.Status201Created);

        customers.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCustomerQuery(id), ct)))
            .Produces<CustomerDto>();

        customers.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize) =>
            TypedResults.Ok(await mediator.Send(new ListCustomersQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize), ct)));
    }
}
