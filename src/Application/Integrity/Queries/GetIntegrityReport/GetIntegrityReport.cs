using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Integrity.Queries.GetIntegrityReport;

public sealed record GetIntegrityReportQuery(Guid ReportId) : IQuery<IntegrityReportDto>;

public sealed class GetIntegrityReportHandler(IIntegrityStore store) : IRequestHandler<GetIntegrityReportQuery, IntegrityReportDto>
{
    public async Task<IntegrityReportDto> Handle(GetIntegrityReportQuery query, CancellationToken cancellationToken) =>
        await store.FindReportAsync(query.ReportId, cancellationToken) ?? throw new NotFoundException("Integrity report", query.ReportId);
}
