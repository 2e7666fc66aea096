namespace CleanWallet.Application.Common.Persistence;

/// <summary>
/// The commit of a command failed and the database could not be asked afterwards whether the transaction took
/// effect. The command is never re-run in this state: it may already have been applied. A retry with the same
/// Idempotency-Key is safe (replayed if it took effect, applied if it did not).
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception commitFailure)
    : Exception("The commit failed and its outcome could not be determined.", commitFailure);
