namespace CleanWallet.Application.Common.Messaging;

/// <summary>Lets the idempotency behaviour recognise idempotent commands without knowing their response type.</summary>
public interface IIdempotentCommandMarker;

/// <summary>
/// A command that moves money. It may carry an idempotency key, and its stored response is replayed for
/// a repeated key, so a client retry never moves money twice. Its answer can say that it is a replay
/// (<see cref="IdempotentResponse.Replayed"/>), so the result, not a service on the side, carries that to the API.
/// </summary>
public interface IIdempotentCommand<out TResponse> : ICommand<TResponse>, IIdempotentCommandMarker
    where TResponse : IdempotentResponse;
