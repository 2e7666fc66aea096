using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Queries.GetApiKey;

/// <summary>One key of the scope (the staff keys, or one customer's), without its secret.</summary>
public sealed record GetApiKeyQuery(Guid Id, Guid? CustomerId = null) : IQuery<ApiKeyDto>;

public sealed class GetApiKeyHandler(IApiKeyStore keys, IReadStore read, ICallerContext caller) : IRequestHandler<GetApiKeyQuery, ApiKeyDto>
{
    public async Task<ApiKeyDto> Handle(GetApiKeyQuery query, CancellationToken cancellationToken)
    {
        await read.EnsureManageableAsync(query.CustomerId, caller, cancellationToken);
        return await read.FirstOrDefaultAsync(keys.Keys(query.CustomerId).Where(k => k.Id == query.Id).Select(ApiKeyDto.Projection), cancellationToken)
               ?? throw new NotFoundException("API key", query.Id);
    }
}
