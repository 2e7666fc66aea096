using MediatR;

namespace CleanWallet.Application.Common.Messaging;

/// <summary>A request that changes state: it runs inside one database transaction.</summary>
public interface ICommand<out TResponse> : IRequest<TResponse>, ICommandMarker;

/// <summary>Lets pipeline behaviours recognise commands without knowing their response type.</summary>
public interface ICommandMarker;
