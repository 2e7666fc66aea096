using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Vms;
using CleanWallet.Application.Vms.Commands.DeleteVm;
using CleanWallet.Application.Vms.Commands.ProvisionVm;
using CleanWallet.Application.Vms.Commands.ResizeVm;
using CleanWallet.Application.Vms.Commands.StartVm;
using CleanWallet.Application.Vms.Commands.StopVm;
using CleanWallet.Application.Vms.Queries.GetVm;
using CleanWallet.Application.Vms.Queries.GetVmUsage;
using CleanWallet.Application.Vms.Queries.ListVms;
using CleanWallet.Application.Vms.Queries.ListVmSizes;
using MediatR;

namespace CleanWallet.Api.Endpoints.Vms;

public static class VmsEndpoints
{
    public sealed record VmRequest(Guid? WalletId, string? Name, string? Size);

    public sealed record ResizeRequest(string? Size);

    public static void MapVmsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/vm-sizes", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListVmSizesQuery(), ct)))
            .WithName("ListVmSizes")
            .WithTags("VMs")
            .WithSummary("The VM size catalogue: vCPUs, memory, monthly price, hourly price and the funds a wallet needs")
            .Produces<VmSizeCatalogDto>();

        var vms = api.MapGroup("/vms").WithTags("VMs");

        vms.MapPost("/", async (VmRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var vm = await mediator.SendIdempotent(http, new ProvisionVmCommand(body.WalletId ?? Guid.Empty, body.Name ?? string.Empty,
                    body.Size ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/vms/{vm.Id}", vm);
            })
            .WithName("ProvisionVm")
            .ProducesProblems(404, 409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Provision a Running VM paid from a wallet")
            .WithDescription(
                "Refused with 422 insufficient_funds (the problem names 'required' and 'available') unless the wallet's available " +
                "funds cover the size's price for Vms:FundsCheckHours hours, and with 422 wallet_frozen on a frozen wallet; nothing " +
                "is written then. No money moves now: every clock hour the VM runs in is billed in arrears, the first one included.")
            .Produces<VmDto>(StatusCodes.Status201Created);

        vms.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetVmQuery(id), ct)))
            .WithName("GetVm")
            .WithSummary("One VM (deleted ones too)")
            .Produces<VmDto>();

        vms.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? status) =>
                TypedResults.Ok(await mediator.Send(new ListVmsQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, status), ct)))
            .WithName("ListVms")
            .WithSummary("VMs, newest first, optionally of one status")
            .Produces<PagedResult<VmDto>>();

        vms.MapPost("/{id:guid}/stop", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new StopVmCommand(id), ct)))
            .WithName("StopVm")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Stop a Running (or Suspended) VM; a Running one has its hours up to and including the current one charged now")
            .WithDescription("The answer's 'settled' names the hours charged and their UsageCharge entry. A Stopped or Deleted VM is a 409.")
            .Produces<VmDto>();

        vms.MapPost("/{id:guid}/start", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new StartVmCommand(id), ct)))
            .WithName("StartVm")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Start a Stopped or Suspended VM, when the wallet covers the size's funds check")
            .WithDescription("Starting again within an hour already billed costs nothing more for that hour. A Running or Deleted VM is a 409.")
            .Produces<VmDto>();

        vms.MapPost("/{id:guid}/resize", async (Guid id, ResizeRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new ResizeVmCommand(id, body.Size ?? string.Empty), ct)))
            .WithName("ResizeVm")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Change a VM's size; a larger one needs the funds check")
            .WithDescription(
                "A Running VM has its current hour charged at the old size; the new size is billed from the next hour. If that charge " +
                "overdraws the wallet the VM is Suspended. Asking for the size it already has changes and charges nothing (200).")
            .Produces<VmDto>();

        vms.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new DeleteVmCommand(id), ct)))
            .WithName("DeleteVm")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Delete a VM, charging a Running one's hours up to and including the current one")
            .WithDescription("The VM can still be read (status Deleted); acting on it again is a 409 vm_deleted.")
            .Produces<VmDto>();

        vms.MapGet("/{id:guid}/usage",
                async (Guid id, IMediator mediator, CancellationToken ct, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize) =>
                    TypedResults.Ok(await mediator.Send(
                        new GetVmUsageQuery(id, from, to, page ?? 1, pageSize ?? Paging.DefaultPageSize), ct)))
            .WithName("GetVmUsage")
            .WithSummary("The VM's billed hours starting in [from, to), oldest first, with the range's totals")
            .Produces<VmUsagePage>();
    }
}
