using CleanWallet.Application.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling;

public static class SchedulingRegistration
{
    public const string SchedulerName = "CleanWallet";

    /// <summary>
    /// Quartz with its persistent job store on the service's own PostgreSQL, clustered: every node shares the
    /// schedule, each firing runs on one node only, and a job a dead node was running is recovered elsewhere.
    /// The store's tables are created when missing.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection("Scheduling").Get<SchedulingOptions>() ?? new SchedulingOptions();
        services.AddSingleton(options);
        services.AddSingleton<IJobScheduler, QuartzJobScheduler>();

        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = SchedulerName;
                scheduler.DefaultMisfireHandling = DefaultMisfireHandling.FireAndProceed;
            });
            // Scheduling runs on real time even when a test swaps the application's clock.
            quartz.UseTimeProvider(TimeProvider.System);
            quartz.UseDefaultThreadPool(Math.Max(1, options.ThreadCount));
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.ProvisionSchema();
                store.UseClustering(clustering =>
                {
                    clustering.CheckinInterval = TimeSpan.FromSeconds(options.CheckInIntervalSeconds);
                    clustering.CheckinMisfireThreshold = TimeSpan.FromSeconds(options.CheckInMisfireThresholdSeconds);
                });
                store.ConfigureStore(adoStore => adoStore.MisfireThreshold = TimeSpan.FromSeconds(options.MisfireThresholdSeconds));
            });

            foreach (var job in RecurringJobs.All)
                job.Register(quartz, options);

            quartz.AddJobListener<JobRunHistoryListener>();
            // Readiness covers the scheduler too: unhealthy when it cannot reach its store, degraded on a node that
            // does not fire jobs (Scheduling:Enabled=false) or whose cluster check-in has stalled.
            quartz.AddQuartzHealthChecks(health => health.Tags.Add("ready"));
        });
        services.AddQuartzHostedService(hosted =>
        {
            hosted.WaitForJobsToComplete = true;
            hosted.AutoStart = options.Enabled;
        });
        return services;
    }
}
