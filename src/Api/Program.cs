using System.Text.Json;
using System.Text.Json.Serialization;
using CleanWallet.Api.Endpoints.Administration;
using CleanWallet.Api.Endpoints.ApiKeys;
using CleanWallet.Api.Endpoints.Customers;
using CleanWallet.Api.Endpoints.Me;
using CleanWallet.Api.Endpoints.Jobs;
using CleanWallet.Api.Endpoints.Holds;
using CleanWallet.Api.Endpoints.Integrity;
using CleanWallet.Api.Endpoints.Orders;
using CleanWallet.Api.Endpoints.Payments;
using CleanWallet.Api.Endpoints.Statements;
using CleanWallet.Api.Endpoints.Transfers;
using CleanWallet.Api.Endpoints.Vms;
using CleanWallet.Api.Endpoints.Wallets;
using CleanWallet.Api.Errors;
using CleanWallet.Api.Hosting;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Access;
using CleanWallet.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using CleanWallet.Infrastructure.Persistence.Migrations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

// Serilog (Serilog.AspNetCore) is the only logging provider: levels and sinks from the "Serilog" section, plus any
// ILogEventSink registered in the container (the tests capture log events that way). Each host keeps a logger of its
// own (preserveStaticLogger), so several hosts in one process (the tests) never share or close each other's.
builder.Logging.ClearProviders();
builder.Services.AddSerilog((services, logger) => logger
    .ReadFrom.Configuration(services.GetRequiredService<IConfiguration>())
    .ReadFrom.Services(services)
    .Enrich.FromLogContext(), preserveStaticLogger: true);

var (connectionString, localCluster) = await DatabaseSetup.ResolveAsync(builder);

builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection("Auth"));
var bootstrapKeyGenerated = false;
if (builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(builder.Configuration["Auth:BootstrapAdminKey"]))
{
    builder.Configuration["Auth:BootstrapAdminKey"] = ApiKeyGenerator.NewKey().Key;
    bootstrapKeyGenerated = true;
}

builder.Services.AddApplication(builder.Configuration);
builder.Services.AddInfrastructure(builder.Configuration, connectionString);
builder.Services.AddApiKeyCache(builder.Configuration);

builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICallerContext, HttpCallerContext>();

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
        ApiKeyAuthenticationHandler.SchemeName, null)
    .AddOpsCookie();
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(ApiKeyRole.Admin)))
    .AddPolicy(Policies.Staff, p => p.RequireRole(nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Ops)))
    .AddPolicy(Policies.MoneyMovers, p => p.RequireRole(nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Customer)));
builder.Services.AddOpsDashboard();

builder.Services.Configure<JsonOptions>(options =>
{
    // Strict input: unknown fields and numbers sent as strings are a 400, never silently ignored or coerced.
    // Names match exactly: {"Amount":5} is an unknown field, not the amount (the web defaults would accept any casing).
    options.SerializerOptions.PropertyNameCaseInsensitive = false;
    options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    // {"amount":1,"amount":999999} is a 400: a proxy reading the first would see another request than we would.
    options.SerializerOptions.AllowDuplicateProperties = false;
    // U+0000 in any text field is a 400 (PostgreSQL text cannot hold it).
    options.SerializerOptions.Converters.Add(new NulCharacters.RefusingStringConverter());
});
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBodySize = 64 * 1024);

builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
    context.ProblemDetails.Extensions.TryAdd("code", ProblemResponses.CodeForStatus(status));
    context.ProblemDetails.Extensions.TryAdd("requestId", context.HttpContext.TraceIdentifier);
    // The framework's own problems (413, 415, unmatched routes) get the fields every problem of the API has (OpenAPI: Problem).
    context.ProblemDetails.Detail ??= context.ProblemDetails.Title;
    context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
    // The stable code also goes on the request's one log line (as its ErrorCode property).
    if (context.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is not null)
        context.HttpContext.RequestServices.GetService<IDiagnosticContext>()?.Set("ErrorCode", code.ToString());
});
builder.Services.AddExceptionHandler<ApiExceptionHandler>();

builder.Services.AddApiRateLimiting(builder.Configuration);
builder.Services.AddTrustedForwardedHeaders(builder.Configuration);
builder.Services.AddCleanWalletOpenApi();
builder.Services.AddHealthChecks()
    .AddDbContextCheck<WalletDbContext>("database", tags: ["ready"]);

var app = builder.Build();

if (localCluster is not null)
    app.Lifetime.ApplicationStopped.Register(() => localCluster.Dispose());

if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
    await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync();

// First: behind a known proxy, the client's address and scheme replace the proxy's for everything after this.
app.UseTrustedForwardedHeaders();
app.UseNoStoreForApi();
app.Use(async (context, next) =>
{
    // Set when the response starts, so error answers written by the exception handler carry it too.
    context.Response.OnStarting(() =>
    {
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        return Task.CompletedTask;
    });
    await next();
});
// One line per request, written when it completes (after the exception handler has chosen the status):
// method, path, status, elapsed time and request id (the X-Request-Id header and the problem's requestId).
app.UseSerilogRequestLogging(options =>
{
    options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
    options.MessageTemplate = RequestLogging.MessageTemplate;
    options.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("RequestId", context.TraceIdentifier);
});
app.UseExceptionHandler();
app.UseApiStatusCodeProblems();
// The Swagger UI is static documentation: served before authentication, like the OpenAPI document. Only requests under
// /swagger reach its middleware, which otherwise matches every request's path against its regular expressions.
app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUI(options =>
{
    options.SwaggerEndpoint("/openapi/v1.json", "CleanWallet v1");
    options.RoutePrefix = "swagger";
    options.DisplayOperationId();
    options.EnablePersistAuthorization();
}));
app.UseHangfireDashboardHeaders();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseJsonBodiesOnly();
app.UseNulCharacterRefusal();

app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous()
    .DisableRateLimiting();

app.MapRazorPages();
app.MapHangfireOpsDashboard();

var api = app.MapGroup("/api/v1");
api.MapMeEndpoints();
api.MapCustomersEndpoints();
api.MapWalletsEndpoints();
api.MapPaymentsEndpoints();
api.MapJobsEndpoints();
api.MapIntegrityEndpoints();
api.MapVmsEndpoints();
api.MapApiKeysEndpoints();
api.MapOrdersEndpoints();
api.MapRefundsEndpoints();
api.MapStatementsEndpoints();
api.MapTransfersEndpoints();
api.MapHoldsEndpoints();
api.MapAdministrationEndpoints();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        app.Logger.LogInformation("CleanWallet API listening on {Address}/api/v1", address);
        app.Logger.LogInformation("Swagger UI: {Address}/swagger  OpenAPI: {Address}/openapi/v1.json", address, address);
    }
    if (bootstrapKeyGenerated)
        app.Logger.LogWarning("Development admin API key (generated for this run; set Auth__BootstrapAdminKey to fix it): {AdminKey}",
            app.Configuration["Auth:BootstrapAdminKey"]);
});

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
