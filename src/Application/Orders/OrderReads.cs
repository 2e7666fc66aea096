using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Orders;

namespace CleanWallet.Application.Orders;

internal static class OrderReads
{
    /// <summary>The order as it is now, for anyone inside the system (no caller check).</summary>
    public static async Task<OrderDto> CurrentAsync(IReadStore read, Guid orderId, CancellationToken ct) =>
        await read.FirstOrDefaultAsync(read.Orders.Where(o => o.Id == orderId).Select(OrderDto.Projection(read.Payments)), ct)
        ?? throw new NotFoundException("Order", orderId);

    /// <summary>Another customer's order is reported as missing, like every other resource.</summary>
    public static async Task<OrderDto> ReadableAsync(IReadStore read, ICallerContext caller, Guid orderId, CancellationToken ct)
    {
        var order = await read.FirstOrDefaultAsync(read.Orders.Where(o => o.Id == orderId).Select(OrderDto.Projection(read.Payments)), ct);
        return order is not null && caller.CanAccess(order.CustomerId) ? order : throw new NotFoundException("Order", orderId);
    }
}
