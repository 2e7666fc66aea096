using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Transfers.Queries.GetTransfer;

/// <summary>One transfer, for the owner of either wallet or staff; anyone else gets a 404.</summary>
public sealed record GetTransferQuery(Guid TransferId) : IQuery<TransferDto>;

public sealed class GetTransferHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetTransferQuery, TransferDto>
{
    public async Task<TransferDto> Handle(GetTransferQuery query, CancellationToken cancellationToken) =>
        await read.FirstOrDefaultAsync(
            read.Transfers.Where(t => t.Id == query.TransferId).VisibleTo(read, caller).Select(TransferDto.Projection),
            cancellationToken)
        ?? throw new NotFoundException("Transfer", query.TransferId);
}
