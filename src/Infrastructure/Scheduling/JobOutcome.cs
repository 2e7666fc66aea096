namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>What a run returned (its summary) and, when it reports a failure, why.</summary>
internal sealed record JobOutcome(object? Summary, string? Failure);
