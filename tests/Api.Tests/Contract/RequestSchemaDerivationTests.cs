using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Endpoints.Transfers;
using CleanWallet.Api.Endpoints.Wallets;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Transfers.Commands.CreateTransfer;
using CleanWallet.Application.Wallets.Commands.TopUpWallet;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace CleanWallet.Api.Tests.Contract;

/// <summary>
/// The request schemas are read from the validators (<see cref="ValidatorSchemas"/>): every rule of every request body's
/// validators is either turned into schema or described by hand in <see cref="SchemaRules.Described"/>, and a rule added
/// to a validator reaches the published document without anyone editing it.
/// </summary>
public sealed class RequestSchemaDerivationTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public void Every_rule_of_every_request_bodys_validators_is_read_or_described_and_every_description_has_its_rule()
    {
        var problems = new List<string>();
        foreach (var (request, validation) in SchemaRules.RequestBodies)
        {
            using var scope = Factory.Services.CreateScope();
            var validators = scope.ServiceProvider.GetServices(typeof(IValidator<>).MakeGenericType(validation.Validated)).ToList();
            if (validators.Count == 0)
                problems.Add($"{request.Name}: no validator is registered for {validation.Validated.Name}");
            var rules = ValidatorSchemas.For(request, Factory.Services);
            problems.AddRange(rules.Unread.Select(r => $"{request.Name}: rule not read and not described: {r}"));
            problems.AddRange(rules.Unused.Select(r => $"{request.Name}: described rule the validator does not have: {r}"));
            problems.AddRange(rules.UnknownMembers.Select(m => $"{request.Name}: the validator checks '{m}', which is not a field of the body"));
            if (rules.Fields.Count == 0)
                problems.Add($"{request.Name}: no rule read at all");
        }
        foreach (var (request, _) in SchemaRules.Described.Keys.Where(k => !SchemaRules.RequestBodies.ContainsKey(k.Request)))
            problems.Add($"{request.Name}: described rules for a type that is no request body");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_request_body_has_an_example()
    {
        Assert.Empty(SchemaRules.RequestBodies.Keys.Where(t => !SchemaRules.Examples.ContainsKey(t)).Select(t => t.Name));
        Assert.Empty(SchemaRules.Examples.Keys.Where(t => !SchemaRules.RequestBodies.ContainsKey(t)).Select(t => t.Name));
    }

    [Fact]
    public void A_predicate_rule_nobody_described_is_reported_instead_of_dropped()
    {
        var extra = new InlineValidator<TopUpWalletCommand>();
        extra.RuleFor(c => c.CardToken).Must(token => token.StartsWith("tok_", StringComparison.Ordinal)).WithMessage("'cardToken' must start with tok_.");

        var rules = Read<WalletsEndpoints.TopUpRequest>(extra);

        Assert.Equal(["cardToken: PredicateValidator \"'cardToken' must start with tok_.\""], rules.Unread);
    }

    [Fact]
    public void A_described_rule_the_validator_no_longer_has_is_reported()
    {
        var described = new Dictionary<(Type Request, string Field), DescribedRule[]>(SchemaRules.Described)
        {
            [(typeof(WalletsEndpoints.TopUpRequest), "cardToken")] = [new("Cards.IsKnownToken")],
        };

        var rules = ValidatorSchemas.Read(typeof(WalletsEndpoints.TopUpRequest), SchemaRules.RequestBodies[typeof(WalletsEndpoints.TopUpRequest)],
            [new TopUpWalletValidator()], SchemaRules.RequestBodies, described);

        Assert.Equal(["cardToken: Cards.IsKnownToken"], rules.Unused);
        Assert.Empty(rules.Unread);
    }

    [Fact]
    public void Standard_rules_become_required_fields_lengths_bounds_patterns_and_enums()
    {
        var extra = new InlineValidator<TopUpWalletCommand>();
        extra.RuleFor(c => c.CardToken).Matches("^tok_[a-z]+$").Length(5, 40);
        extra.RuleFor(c => c.Amount).LessThanOrEqualTo(1000m);

        var rules = Read<WalletsEndpoints.TopUpRequest>(extra);
        var token = Apply(rules, "cardToken");
        var amount = Apply(rules, "amount");

        Assert.Empty(rules.Unread);
        Assert.True(rules.Fields["cardToken"].Required && rules.Fields["amount"].Required);
        Assert.Equal("^tok_[a-z]+$", token.Pattern);
        Assert.Equal(5, token.MinLength);
        Assert.Equal(40, token.MaxLength);
        Assert.Equal("0", amount.ExclusiveMinimum);
        Assert.Equal("1000", amount.Maximum);
        Assert.Equal(0.01m, amount.MultipleOf);
    }

    [Fact]
    public void A_rule_of_a_named_rule_set_is_not_published_and_a_dependent_rule_counts_as_conditional()
    {
        var extra = new InlineValidator<TopUpWalletCommand>();
        extra.RuleSet("Audit", () => extra.RuleFor(c => c.CardToken).MaximumLength(3));
        extra.RuleFor(c => c.WalletId).NotEmpty().DependentRules(() => extra.RuleFor(c => c.CardToken).NotNull().WithMessage("'cardToken' is needed then."));

        var rules = ValidatorSchemas.Read(typeof(WalletsEndpoints.TopUpRequest), SchemaRules.RequestBodies[typeof(WalletsEndpoints.TopUpRequest)],
            [extra], SchemaRules.RequestBodies, SchemaRules.Described);

        Assert.Empty(rules.Unread);
        Assert.Equal(["walletId"], rules.UnknownMembers);
        Assert.False(rules.Fields["cardToken"].Required);
        Assert.Equal(["'cardToken' is needed then."], rules.Fields["cardToken"].Notes);
        Assert.Null(Apply(rules, "cardToken").MaxLength);
    }

    [Fact]
    public void A_comparison_with_the_default_guid_makes_a_field_required_and_a_comparison_with_another_field_is_described()
    {
        var rules = ValidatorSchemas.Read(typeof(TransfersEndpoints.TransferRequest), SchemaRules.RequestBodies[typeof(TransfersEndpoints.TransferRequest)],
            [new CreateTransferValidator()], SchemaRules.RequestBodies, SchemaRules.Described);

        Assert.True(rules.Fields["fromWalletId"].Required);
        Assert.True(rules.Fields["toWalletId"].Required);
        Assert.Contains("'toWalletId' must be a different wallet from 'fromWalletId'.", rules.Fields["toWalletId"].Notes);
    }

    [Fact]
    public async Task A_rule_added_to_a_validator_is_published_and_enforced_without_editing_the_document()
    {
        await using var host = ApiFactory.StartOnKestrel(Database.ConnectionString,
            services => services.AddScoped<IValidator<TopUpWalletCommand>, TighterTopUpValidator>());
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var topUp = document["components"]!["schemas"]!["TopUpRequest"]!["properties"]!;
        Assert.Equal(TighterTopUpValidator.TokenPattern, (string?)topUp["cardToken"]!["pattern"]);
        Assert.Equal(TighterTopUpValidator.MaxAmount, (decimal)topUp["amount"]!["maximum"]!);
        // The application's own document does not have them.
        var plain = JsonNode.Parse(await Client(apiKey: null).GetStringAsync("/openapi/v1.json"))!;
        Assert.Null(plain["components"]!["schemas"]!["TopUpRequest"]!["properties"]!["cardToken"]!["pattern"]);

        var refused = await client.PostAsJsonAsync($"/api/v1/wallets/{Guid.NewGuid()}/top-ups", new { amount = 10.00m, cardToken = "visa" });
        var problem = await AssertProblem(refused, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["cardToken"]);
    }

    [Fact]
    public async Task A_field_required_only_under_a_condition_is_optional_and_its_description_says_when()
    {
        var document = JsonNode.Parse(await Client(apiKey: null).GetStringAsync("/openapi/v1.json"))!;
        var card = document["components"]!["schemas"]!["CardPaymentRequest"]!;

        Assert.DoesNotContain("customerId", card["required"]!.AsArray().Select(f => (string?)f));
        Assert.Contains("required when staff make a card payment", (string?)card["properties"]!["customerId"]!["description"]);
    }

    private sealed class TighterTopUpValidator : AbstractValidator<TopUpWalletCommand>
    {
        public const string TokenPattern = "^tok_[a-z_]+$";
        public const decimal MaxAmount = 5000m;

        public TighterTopUpValidator()
        {
            RuleFor(c => c.CardToken).Matches(TokenPattern);
            RuleFor(c => c.Amount).LessThanOrEqualTo(MaxAmount);
        }
    }

    private static RequestRules Read<TRequest>(IValidator extra) =>
        ValidatorSchemas.Read(typeof(TRequest), SchemaRules.RequestBodies[typeof(TRequest)], [new TopUpWalletValidator(), extra],
            SchemaRules.RequestBodies, SchemaRules.Described);

    private static OpenApiSchema Apply(RequestRules rules, string field)
    {
        var schema = new OpenApiSchema();
        foreach (var rule in rules.Fields[field].Schema)
            rule(schema, null!);
        return schema;
    }
}
