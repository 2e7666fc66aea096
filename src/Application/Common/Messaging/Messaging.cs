using MediatR;

namespace CleanWallet.Application.Common.Messaging;

/// <summary>A request that changes state: it runs inside one database transaction.</summary>
public interface ICommand<out TResponse> : IRequest<TResponse>, ICommandMarker;

/// <summary>Lets pipeline behaviours recognise commands without knowing their response type.</summary>
public interface ICommandMarker;

/// <summary>
/// A command that moves money. It may carry an idempotency key, and its stored response is replayed for
/// a repeated key, so a client retry never moves money twice.
/// </summary>
public interface IIdempotentCommand;

/// <summary>A read-only request: validated and logged, never wrapped in a write transaction.</summary>
public interface IQuery<out TResponse> : IRequest<TResponse>;
