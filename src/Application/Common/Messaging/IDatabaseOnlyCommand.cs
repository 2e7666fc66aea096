namespace CleanWallet.Application.Common.Messaging;

/// <summary>
/// An idempotent command whose handler only reads and locks rows until it returns and writes nothing but the unit of
/// work's changes (written at commit), with no call to an outside service. Its idempotency key is therefore looked up
/// with the handler's first statement (one round trip for both) and claimed at commit, written once with the response
/// (<see cref="Persistence.IIdempotencyStore.ClaimWithNextStatement"/>): if the key turns out to be taken, what the
/// handler did is discarded before anything is written, and the stored response is replayed.
/// </summary>
public interface IDatabaseOnlyCommand;
