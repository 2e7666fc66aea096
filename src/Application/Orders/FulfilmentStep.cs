namespace CleanWallet.Application.Orders;

/// <summary>
/// What one fulfilment step (<see cref="Commands.FulfilOrder.FulfilOrderCommand"/>,
/// <see cref="Commands.RecordFulfilmentOutcome.RecordFulfilmentOutcomeCommand"/>) did: the order as it now stands, and
/// whether this step settled it (moved it from Fulfilling to Completed or Failed). False when the step found it settled
/// already, another node held its claim, or the answer was unclear again, so that a report counts what its own run did
/// and never an order another run settled.
/// </summary>
public sealed record FulfilmentStep(OrderDto Order, bool Settled);
