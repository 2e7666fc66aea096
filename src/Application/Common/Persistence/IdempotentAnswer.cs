namespace CleanWallet.Application.Common.Persistence;

/// <summary>The client's idempotency key whose stored answer becomes the final one once the outcome is recorded.</summary>
public sealed record IdempotentAnswer(string Owner, string Key);
