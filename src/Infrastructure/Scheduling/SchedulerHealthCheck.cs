using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CleanWallet.Infrastructure.Scheduling;

internal sealed class SchedulerHealthCheck(JobStorage storage, SchedulerNode node, SchedulingOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            if (!options.Enabled)
                return Task.FromResult(HealthCheckResult.Degraded("This node runs no Hangfire server (Scheduling:Enabled=false)."));
            return Task.FromResult(servers.Any(server => node.Owns(server.Name))
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded("This node's Hangfire server is not on the roll (starting, or its heartbeat stalled)."));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Hangfire storage cannot be read.", ex));
        }
    }
}
