namespace CleanWallet.Application.Common.Messaging;

/// <summary>
/// A command that moves money. It may carry an idempotency key, and its stored response is replayed for
/// a repeated key, so a client retry never moves money twice.
/// </summary>
public interface IIdempotentCommand;
