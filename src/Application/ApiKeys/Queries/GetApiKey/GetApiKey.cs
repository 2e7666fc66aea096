using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Queries.GetApiKey;

/// <summary>One operations or admin key, without its secret.</summary>
public sealed record GetApiKeyQuery(Guid Id) : IQuery<ApiKeyDto>;

public sealed class GetApiKeyHandler(IStaffApiKeyStore keys, IReadStore read) : IRequestHandler<GetApiKeyQuery, ApiKeyDto>
{
    public async Task<ApiKeyDto> Handle(GetApiKeyQuery query, CancellationToken cancellationToken) =>
        await read.FirstOrDefaultAsync(keys.StaffKeys.Where(k => k.Id == query.Id).Select(ApiKeyDto.Projection), cancellationToken)
        ?? throw new NotFoundException("API key", query.Id);
}
