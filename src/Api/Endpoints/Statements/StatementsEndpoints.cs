using CleanWallet.Application.Statements.Queries.GetStatement;
using MediatR;
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
            .Produces<StatementDto>()
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }
}
