using CleanWallet.Domain.Common;
using CleanWallet.Api.Errors;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using CleanWallet.Application.Integrity.Queries.GetIntegrityReport;
using CleanWallet.Application.Integrity.Queries.GetLatestIntegrityReport;
using MediatR;
using Microsoft.OpenApi;

namespace CleanWallet.Api.Endpoints.Integrity;

/// <summary>Integrity verification on demand and its reports, for admin and operations keys.</summary>
public static class IntegrityEndpoints
{
    public static void MapIntegrityEndpoints(this IEndpointRouteBuilder api)
    {
        var checks = api.MapGroup("/admin/integrity-checks").WithTags("Integrity").RequireAuthorization(Policies.Staff);

        checks.MapPost("/", async (string? mode, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                // Full unless asked otherwise: on demand is when an operator wants the whole truth.
                var checkMode = IntegrityCheckMode.Full;
                if (mode is not null && !TryParseMode(mode, out checkMode))
                    return ProblemResponses.Result(http, StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed,
                        "mode must be 'full' or 'incremental'.");
                // Another check running past Integrity:LockWaitSeconds: 409 integrity_check_running with Retry-After (ApiExceptionHandler).
                var report = await mediator.Send(new RunIntegrityCheckCommand(IntegrityTrigger.Api, checkMode), ct);
                return Results.Created($"/api/v1/admin/integrity-checks/{report.Id}", report);
            })
            .WithName("RunIntegrityCheck")
            .WithSummary("Verify every wallet's ledger and the payments, refunds, transfers, adjustments and usage behind it, now")
            .WithDescription(
                "Read-only: it reports broken rules and repairs nothing. The report (also kept for GET …/latest) lists at most the " +
                "first 1000 issues, each with its wallet, a stable kind and a detail; issueCount is the full number. " +
                "?mode=full (the default) walks every ledger from its first entry; ?mode=incremental only what was appended since " +
                "each wallet's last clean check (as the hourly job does between its full checks). The report's mode says which. " +
                "Checks run one at a time: while another runs, this one waits up to Integrity__LockWaitSeconds (default 5 s), then " +
                "answers 409 integrity_check_running with Retry-After, having written nothing.")
            .ProducesProblems(400, 409)
            .Produces<IntegrityReportDto>(StatusCodes.Status201Created)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?.TryGetValue("409", out var conflict) == true && conflict is OpenApiResponse response)
                {
                    response.Description = "Another integrity check is running (`integrity_check_running`): this one waited " +
                                           "`Integrity__LockWaitSeconds`, then gave up without writing anything. Retry after `Retry-After` seconds.";
                    response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    response.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before retrying (`Integrity__RetryAfterSeconds`).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                    };
                }
                return Task.CompletedTask;
            });

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

    private static bool TryParseMode(string value, out IntegrityCheckMode mode)
    {
        mode = IntegrityCheckMode.Full;
        if (string.Equals(value, "full", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!string.Equals(value, "incremental", StringComparison.OrdinalIgnoreCase))
            return false;
        mode = IntegrityCheckMode.Incremental;
        return true;
    }
}
