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

/// <summary>The latest report, or null when no check has run yet (the API answers 404, the dashboard says so).</summary>
public sealed record GetLatestIntegrityReportQuery : IQuery<IntegrityReportDto?>;

public sealed class GetLatestIntegrityReportHandler(IIntegrityStore store) : IRequestHandler<GetLatestIntegrityReportQuery, IntegrityReportDto?>
{
    public Task<IntegrityReportDto?> Handle(GetLatestIntegrityReportQuery query, CancellationToken cancellationToken) =>
        store.FindLatestReportAsync(cancellationToken);
}
