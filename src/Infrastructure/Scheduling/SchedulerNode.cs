namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// This API node's name in the cluster: its Hangfire server is named after it, and job runs and billing runs record it.
/// Unique per process start (two hosts in one process, as the tests run them, are two nodes).
/// </summary>
public sealed class SchedulerNode
{
    public string Id { get; } = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(Environment.MachineName.Length + 13, 120)]
        .ToLowerInvariant();

    /// <summary>Whether a Hangfire server id (name, then ':' and what Hangfire appends) is this node's.</summary>
    public bool Owns(string serverId) =>
        string.Equals(serverId, Id, StringComparison.OrdinalIgnoreCase)
        || serverId.StartsWith(Id + ":", StringComparison.OrdinalIgnoreCase);
}
