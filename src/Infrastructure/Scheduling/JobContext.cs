namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>What a job's command is built from: the node that runs it.</summary>
public sealed record JobContext(string NodeId);
