using CleanWallet.Application.Statements.Queries.GetStatement;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.OpenApi;
using Microsoft.Net.Http.Headers;

namespace CleanWallet.Api.Endpoints.Statements;

public static class StatementsEndpoints
{
    public static void MapStatementsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/wallets/{id:guid}/statements/{month}", async (Guid id, string month, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var statement = await mediator.Send(new GetStatementQuery(id, month), ct);
                var wantsCsv = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
                return wantsCsv
                    ? Results.Text(StatementCsv.Write(statement), "text/csv; charset=utf-8")
                    : Results.Ok(statement);
            })
            .WithName("GetStatement")
            .WithTags("Wallets")
            .WithSummary("Monthly statement: opening balance, totals by entry type, closing balance and the entries; CSV with Accept: text/csv")
            // JSON by default, CSV for Accept: text/csv: both under 200, the CSV as text.
            .Produces<StatementDto>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?["200"].Content?.TryGetValue("text/csv", out var csv) == true)
                    csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The statement as CSV: a header row, then one row per entry." };
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.Name == "month") ?? [])
                {
                    parameter.Description = "The calendar month, yyyy-MM (UTC), from 2000-01 up to next month (400 otherwise).";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$" };
                    parameter.Example = JsonValue.Create("2026-05");
                }
                return Task.CompletedTask;
            });
    }
}
