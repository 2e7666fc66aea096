namespace CleanWallet.Application.Common.Messaging;

/// <summary>
/// A command that holds these wallets' row locks for its whole transaction. Within one process, such commands on the same
/// wallet wait their turn in memory (<see cref="Behaviours.WalletQueueBehaviour{TRequest,TResponse}"/>) before they begin
/// their transaction, rather than all at the wallet's row lock in PostgreSQL. A method, not a property, so that it is not
/// part of the request's JSON (its idempotency hash).
/// </summary>
public interface IQueuedPerWallet
{
    IEnumerable<Guid> WalletsToQueueOn();
}
