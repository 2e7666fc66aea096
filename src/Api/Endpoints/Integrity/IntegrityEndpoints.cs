using CleanWallet.Domain.Common;
using CleanWallet.Api.Errors;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using CleanWallet.Application.Integrity.Queries.GetIntegrityReport;
using CleanWallet.Application.Integrity.Queries.GetLatestIntegrityReport;
using MediatR;

namespace CleanWallet.Api.Endpoints.Integrity;

/// <summary>Integrity verification on demand and its reports, for admin and operations keys.</summary>
public static class IntegrityEndpoints
{
    public static void MapIntegrityEndpoints(this IEndpointRouteBuilder api)
    {
        var checks = api.MapGroup("/admin/integrity-checks").WithTags("Integrity").RequireAuthorization(Policies.Staff);

        checks.MapPost("/", async (IMediator mediator, CancellationToken ct) =>
            {
                var report = await mediator.Send(new RunIntegrityCheckCommand(IntegrityTrigger.Api), ct);
                return TypedResults.Created($"/api/v1/admin/integrity-checks/{report.Id}", report);
            })
            .WithName("RunIntegrityCheck")
            .WithSummary("Verify every wallet's ledger and the payments, refunds, transfers, adjustments and usage behind it, now")
            .WithDescription(
                "Read-only: it reports broken rules and repairs nothing. The report (also kept for GET …/latest) lists at most the " +
                "first 1000 issues, each with its wallet, a stable kind and a detail; issueCount is the full number.")
            .Produces<IntegrityReportDto>(StatusCodes.Status201Created);

        checks.MapGet("/latest", async (IMediator mediator, HttpContext http, CancellationToken ct) =>
                await mediator.Send(new GetLatestIntegrityReportQuery(), ct) is { } report
                    ? Results.Ok(report)
                    : ProblemResponses.Result(http, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No integrity check has run yet."))
            .WithName("GetLatestIntegrityReport")
            .ProducesProblems(404)
            .WithSummary("The report of the integrity check that finished last")
            .Produces<IntegrityReportDto>();

        checks.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetIntegrityReportQuery(id), ct)))
            .WithName("GetIntegrityReport")
            .WithSummary("One integrity report")
            .Produces<IntegrityReportDto>();
    }
}
