using MediatR;

namespace CleanWallet.Application.Common.Messaging;

/// <summary>A read-only request: validated and logged, never wrapped in a write transaction.</summary>
public interface IQuery<out TResponse> : IRequest<TResponse>;
