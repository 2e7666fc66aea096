using CleanWallet.Application.Common.Security;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Operations.Commands.TriggerJob;

public sealed record JobTriggered(string Job, DateTimeOffset TriggeredAt);

/// <summary>
/// Fires a recurring job once now, on whichever node of the cluster acquires it; the run shows up in the job history.
/// A plain request, not a transactional command: it writes only to the scheduler's own store. Unknown job: 404.
/// </summary>
public sealed record TriggerJobCommand(string Job) : IRequest<JobTriggered>;

public sealed class TriggerJobHandler(IJobScheduler scheduler, ICallerContext caller, TimeProvider clock, ILogger<TriggerJobHandler> logger)
    : IRequestHandler<TriggerJobCommand, JobTriggered>
{
    public async Task<JobTriggered> Handle(TriggerJobCommand command, CancellationToken cancellationToken)
    {
        var job = command.Job.Trim();
        await scheduler.TriggerNowAsync(job, cancellationToken);
        // Who started an off-schedule run matters when one misbehaves.
        logger.LogInformation("Job {Job} triggered now by {Actor}", job, caller.Actor);
        return new JobTriggered(job, clock.GetUtcNow());
    }
}
