using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Vms.Queries.ListVmSizes;

/// <summary>The size catalogue with its prices, cheapest first.</summary>
public sealed record ListVmSizesQuery : IQuery<VmSizeCatalogDto>;

/// <summary>
/// One size. <see cref="HourlyPrice"/> is the monthly price over the month's hours, for information (4 decimals):
/// hours are charged with cumulative rounding, so H hours cost exactly round(monthlyPrice × H / hoursPerMonth, 2).
/// <see cref="FundsRequired"/> is what one VM of the size adds to the funds a wallet must have available to provision,
/// start or resize up: the gate counts every Running VM of the wallet.
/// </summary>
public sealed record VmSizeDto(string Name, int Vcpus, int MemoryGb, decimal MonthlyPrice, decimal HourlyPrice, decimal FundsRequired);

public sealed record VmSizeCatalogDto(int HoursPerMonth, int FundsCheckHours, IReadOnlyList<VmSizeDto> Sizes);

public sealed class ListVmSizesHandler(VmCatalog catalog) : IRequestHandler<ListVmSizesQuery, VmSizeCatalogDto>
{
    public Task<VmSizeCatalogDto> Handle(ListVmSizesQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(new VmSizeCatalogDto(catalog.HoursPerMonth, catalog.FundsCheckHours, catalog.Sizes
            .Select(size => new VmSizeDto(size.Name, size.Vcpus, size.MemoryGb, size.MonthlyPrice,
                Math.Round(size.MonthlyPrice / catalog.HoursPerMonth, 4, MidpointRounding.AwayFromZero), catalog.FundsRequired(size)))
            .ToList()));
}
