namespace CleanWallet.Application.Common.Messaging;

/// <summary>
/// An idempotent command whose handler only reads and locks rows until it returns and writes nothing but the unit of
/// work's changes (written at commit), with no call to an outside service. Its idempotency claim therefore travels with
/// the handler's first statement (one round trip for both, <see cref="Persistence.IIdempotencyStore.ClaimWithNextStatement"/>):
/// if the key turns out to be taken, what the handler did is discarded before anything is written, and the stored
/// response is replayed.
/// </summary>
public interface IDatabaseOnlyCommand;
