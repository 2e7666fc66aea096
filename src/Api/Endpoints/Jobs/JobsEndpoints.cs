using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Operations;
using CleanWallet.Application.Operations.Commands.TriggerJob;
using CleanWallet.Application.Operations.Queries.ListJobRuns;
using CleanWallet.Application.Operations.Queries.ListRecurringJobs;
using CleanWallet.Application.Operations.Queries.ListSchedulerNodes;
using MediatR;

namespace CleanWallet.Api.Endpoints.Jobs;

/// <summary>The clustered scheduler for operations staff (admin or ops keys): jobs, their runs, the nodes, "run now".</summary>
public static class JobsEndpoints
{
    public static void MapJobsEndpoints(this IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/admin/jobs").WithTags("Jobs").RequireAuthorization(Policies.Staff);

        jobs.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListRecurringJobsQuery(), ct)))
            .WithName("ListJobs")
            .WithSummary("The recurring jobs with their schedule (cron, UTC), state, last and next fire time")
            .Produces<IReadOnlyList<RecurringJobView>>();

        // No body and no Idempotency-Key: a repeated trigger is just another run, and every job is safe to re-run.
        jobs.MapPost("/{name}/trigger", async (string name, IMediator mediator, CancellationToken ct) =>
            {
                var triggered = await mediator.Send(new TriggerJobCommand(name), ct);
                return TypedResults.Accepted($"/api/v1/admin/jobs/runs?job={Uri.EscapeDataString(triggered.Job)}", triggered);
            })
            .WithName("TriggerJob")
            .WithSummary("Run the job once now, on whichever node picks it up; 202, its run then shows in /admin/jobs/runs; 404 when unknown")
            .Produces<JobTriggered>(StatusCodes.Status202Accepted);

        jobs.MapGet("/runs", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? status, string? job) =>
                TypedResults.Ok(await mediator.Send(new ListJobRunsQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, status, job), ct)))
            .WithName("ListJobRuns")
            .WithSummary("Every run of every job on any node, newest first; filter by status (running, succeeded, failed) and job")
            .Produces<PagedResult<JobRunView>>();

        jobs.MapGet("/nodes", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListSchedulerNodesQuery(), ct)))
            .WithName("ListSchedulerNodes")
            .WithSummary("The Hangfire servers (one per API node) of the cluster and their last heartbeat")
            .Produces<IReadOnlyList<SchedulerNodeView>>();
    }
}
