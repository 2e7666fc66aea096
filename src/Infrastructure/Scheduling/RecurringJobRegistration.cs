using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// Puts every job of the registry on Hangfire's recurring schedule (UTC) at start-up, on every node (idempotent), and
/// removes recurring jobs the registry no longer has.
/// </summary>
internal sealed class RecurringJobRegistration(IRecurringJobManager manager, JobStorage storage, SchedulingOptions options,
    ILogger<RecurringJobRegistration> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in RecurringJobs.All)
        {
            var name = job.Name;
            manager.AddOrUpdate(name, Job.FromExpression<JobRunner>(runner => runner.RunAsync(name, null, CancellationToken.None)),
                job.Cron(options), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc, MisfireHandling = MisfireHandlingMode.Relaxed });
        }
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Where(stored => RecurringJobs.Find(stored.Id) is null))
        {
            logger.LogInformation("Removing recurring job {Job}: no longer registered", stale.Id);
            manager.RemoveIfExists(stale.Id);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
