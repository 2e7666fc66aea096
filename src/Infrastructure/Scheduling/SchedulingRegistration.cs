using CleanWallet.Application.Operations;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Infrastructure.Scheduling;

public static class SchedulingRegistration
{
    /// <summary>Hangfire's tables live in this schema of the service's database, created by Hangfire when missing.</summary>
    public const string Schema = "hangfire";

    /// <summary>
    /// Hangfire with its PostgreSQL storage in the service's own database: every node that has Scheduling:Enabled
    /// runs a Hangfire server; each occurrence of a recurring job is queued once and run by one node; a job whose node
    /// died is fetched again by another once its invisibility timeout passes.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection("Scheduling").Get<SchedulingOptions>() ?? new SchedulingOptions();
        services.AddSingleton(options);
        services.AddSingleton<SchedulerNode>();
        services.AddSingleton<JobRunHistory>();
        services.AddTransient<JobRunner>();
        services.AddSingleton<IJobScheduler, HangfireJobScheduler>();

        // Process-wide settings only: the storage is this host's own instance (below), never Hangfire's static
        // JobStorage.Current, so two hosts in one process (the tests) on two databases never share a storage.
        services.AddHangfire(hangfire => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(Math.Max(1, options.QueuePollIntervalSeconds)),
            InvisibilityTimeout = TimeSpan.FromSeconds(Math.Max(1, options.InvisibilityTimeoutSeconds)),
            UseSlidingInvisibilityTimeout = true,
            DistributedLockTimeout = TimeSpan.FromSeconds(Math.Max(1, options.DistributedLockTimeoutSeconds)),
            EnableLongPolling = true,
        };
        services.AddSingleton<JobStorage>(provider =>
        {
            // Applies the process-wide settings above before the first job is written or read.
            provider.GetRequiredService<IGlobalConfiguration>();
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions)
            {
                JobExpirationTimeout = TimeSpan.FromDays(Math.Max(1, options.JobExpirationDays)),
            };
        });

        if (options.Enabled)
            services.AddHangfireServer((provider, server) =>
            {
                server.ServerName = provider.GetRequiredService<SchedulerNode>().Id;
                server.WorkerCount = Math.Max(1, options.WorkerCount);
                server.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Max(1, options.SchedulePollingIntervalSeconds));
                server.HeartbeatInterval = TimeSpan.FromSeconds(Math.Max(1, options.HeartbeatIntervalSeconds));
                server.ServerTimeout = TimeSpan.FromSeconds(Math.Max(1, options.ServerTimeoutSeconds));
                server.ServerCheckInterval = TimeSpan.FromSeconds(Math.Max(1, options.ServerCheckIntervalSeconds));
            });

        // Registered before the server so the schedule is in place when it starts.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, RecurringJobRegistration>());

        // Readiness covers the scheduler too: unhealthy when its storage is unreachable, degraded on a node that runs no
        // Hangfire server (Scheduling:Enabled=false) or whose server is not on the roll.
        services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler", tags: ["ready"]);
        return services;
    }
}
