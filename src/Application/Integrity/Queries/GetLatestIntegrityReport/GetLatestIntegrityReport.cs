using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Integrity.Queries.GetLatestIntegrityReport;

/// <summary>The latest report, or null when no check has run yet (the API answers 404, the dashboard says so).</summary>
public sealed record GetLatestIntegrityReportQuery : IQuery<IntegrityReportDto?>;

public sealed class GetLatestIntegrityReportHandler(IIntegrityStore store) : IRequestHandler<GetLatestIntegrityReportQuery, IntegrityReportDto?>
{
    public Task<IntegrityReportDto?> Handle(GetLatestIntegrityReportQuery query, CancellationToken cancellationToken) =>
        store.FindLatestReportAsync(cancellationToken);
}
