using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Validators;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>What one request field must be, as its validators say it.</summary>
internal sealed class FieldRules(string name)
{
    public string Name { get; } = name;

    /// <summary>A rule without a condition fails on the value a missing field becomes.</summary>
    public bool Required { get; set; }

    /// <summary>Schema keywords, in rule order.</summary>
    public List<Action<OpenApiSchema, IServiceProvider>> Schema { get; } = [];

    /// <summary>Sentences for the field's description: when a condition makes it required, rules a schema cannot say.</summary>
    public List<string> Notes { get; } = [];
}

/// <summary>The rules of one request body, and whatever could not be turned into schema.</summary>
internal sealed class RequestRules(Type request, Type validated)
{
    public Type Request { get; } = request;
    public Type Validated { get; } = validated;
    public Dictionary<string, FieldRules> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Rules neither read nor described in <see cref="SchemaRules.Described"/>: each would be a silent drop.</summary>
    public List<string> Unread { get; } = [];

    /// <summary>Entries of <see cref="SchemaRules.Described"/> for this body with no rule left to describe.</summary>
    public List<string> Unused { get; } = [];

    /// <summary>Members with rules that are neither fields of the body nor listed in <see cref="RequestValidation.NotFromBody"/>.</summary>
    public List<string> UnknownMembers { get; } = [];

    public FieldRules Field(string name) => Fields.TryGetValue(name, out var field) ? field : Fields[name] = new FieldRules(name);
}

/// <summary>
/// Reads the FluentValidation validators of a request body (<see cref="IValidator.CreateDescriptor"/>) into schema rules:
/// NotNull/NotEmpty (and NotEqual to the default) without a condition make a field required (with a condition, the
/// field's description says when), NotEmpty also gives minLength 1; Length/MaximumLength/MinimumLength give
/// maxLength/minLength; GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, InclusiveBetween and
/// ExclusiveBetween with a constant give minimum/maximum/exclusive* (maxItems/minItems on a list's count); Matches gives
/// pattern; IsInEnum gives enum. Anything else must be described in <see cref="SchemaRules.Described"/> or it is reported
/// as <see cref="RequestRules.Unread"/> (the contract tests fail on it). A bound under a condition is taken to hold
/// whenever the field is given (the validators' conditions on bounds are all "when it is not null").
/// </summary>
internal static class ValidatorSchemas
{
    /// <summary>The rules of a request body from the validators the application registers.</summary>
    public static RequestRules For(Type request, IServiceProvider services)
    {
        var validation = SchemaRules.RequestBodies[request];
        using var scope = services.CreateScope();
        var validators = scope.ServiceProvider.GetServices(typeof(IValidator<>).MakeGenericType(validation.Validated)).OfType<IValidator>().ToList();
        return Read(request, validation, validators, SchemaRules.RequestBodies, SchemaRules.Described);
    }

    public static RequestRules Read(
        Type request,
        RequestValidation validation,
        IEnumerable<IValidator> validators,
        IReadOnlyDictionary<Type, RequestValidation> bodies,
        IReadOnlyDictionary<(Type Request, string Field), DescribedRule[]> described)
    {
        var rules = new RequestRules(request, validation.Validated);
        var fields = BodyFields(request);
        var listed = described.Where(d => d.Key.Request == request)
            .ToDictionary(d => d.Key.Field, d => new Queue<DescribedRule>(d.Value), StringComparer.Ordinal);

        foreach (var validator in validators)
        {
            IEnumerable<IValidator> read = validation.EachItemOf is { } collection ? ItemValidators(validator, collection, rules) : [validator];
            foreach (var one in read)
                ReadValidator(one, validation, fields, bodies, listed, rules);
        }

        foreach (var (field, left) in listed)
            foreach (var rule in left)
                rules.Unused.Add($"{field}: {rule.Source}");
        return rules;
    }

    public static string JsonName(string memberName) => JsonNamingPolicy.CamelCase.ConvertName(memberName);

    private static Dictionary<string, Type> BodyFields(Type request) =>
        request.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => JsonName(p.Name), p => p.PropertyType, StringComparer.Ordinal);

    private static IEnumerable<IValidator> ItemValidators(IValidator validator, string collection, RequestRules rules)
    {
        var found = false;
        foreach (var rule in validator.CreateDescriptor().Rules.Where(r => IsCollectionRule(r) && r.PropertyName is { } n && JsonName(n) == collection))
            foreach (var component in rule.Components)
                if (component.Validator is IChildValidatorAdaptor && ChildValidator(component.Validator) is { } child)
                {
                    found = true;
                    yield return child;
                }
        if (!found)
            rules.Unread.Add($"{validator.GetType().Name} has no per-item validator for '{collection}'");
    }

    private static void ReadValidator(
        IValidator validator,
        RequestValidation validation,
        Dictionary<string, Type> fields,
        IReadOnlyDictionary<Type, RequestValidation> bodies,
        Dictionary<string, Queue<DescribedRule>> listed,
        RequestRules rules)
    {
        ReadRules(validator.CreateDescriptor().Rules, validator, validation, fields, bodies, listed, rules, dependent: false);
    }

    private static void ReadRules(
        IEnumerable<IValidationRule> ruleList,
        IValidator validator,
        RequestValidation validation,
        Dictionary<string, Type> fields,
        IReadOnlyDictionary<Type, RequestValidation> bodies,
        Dictionary<string, Queue<DescribedRule>> listed,
        RequestRules rules,
        bool dependent)
    {
        foreach (var rule in ruleList)
        {
            // Only the default rule set runs (ValidationBehaviour validates without choosing one).
            if (rule.RuleSets is { Length: > 0 } sets && !sets.Contains(RulesetValidatorSelector.DefaultRuleSetName, StringComparer.OrdinalIgnoreCase))
                continue;
            // Dependent rules run only when their parent passes: a condition.
            if (rule.DependentRules?.Any() == true)
                ReadRules(rule.DependentRules, validator, validation, fields, bodies, listed, rules, dependent: true);
            if (rule is IIncludeRule || rule.PropertyName is null)
            {
                rules.Unread.Add($"{validator.GetType().Name}: a rule without a member (Include or RuleFor(x => x)) cannot be read");
                continue;
            }
            var name = JsonName(rule.PropertyName);
            if (!fields.TryGetValue(name, out var fieldType))
            {
                if (!validation.NotFromBody.Contains(name, StringComparer.OrdinalIgnoreCase))
                    rules.UnknownMembers.Add(name);
                continue;
            }

            var field = rules.Field(name);
            var collectionRule = IsCollectionRule(rule);
            foreach (var component in rule.Components)
            {
                var conditional = dependent || rule.HasCondition || rule.HasAsyncCondition || component.HasCondition || component.HasAsyncCondition;
                var reading = collectionRule
                    ? ReadItemRule(component.Validator, fieldType, name, validation, bodies)
                    : ReadRule(component.Validator, rule.TypeToValidate, fieldType);
                var what = $"{component.Validator.Name}{(conditional ? " (conditional)" : "")}";
                if (reading is not null)
                {
                    if (reading.Schema is { } schema)
                        field.Schema.Add((s, _) => schema(s));
                    if (reading.RejectsMissing && !conditional)
                        field.Required = true;
                    else if (reading.RejectsMissing && reading.Presence)
                        field.Notes.Add(Message(component, name));
                }
                else if (listed.TryGetValue(name, out var queue) && queue.TryDequeue(out var described))
                {
                    if (described.Schema is { } schema)
                        field.Schema.Add(schema);
                    else
                        field.Notes.Add(Message(component, name));
                    if (described.RejectsMissing && (!conditional || described.AlwaysAppliesBecause is not null))
                        field.Required = true;
                }
                else
                {
                    rules.Unread.Add($"{name}: {what} \"{Message(component, name)}\"");
                }
            }
        }
    }

    /// <param name="Says">What the rule became, in words (for reading the code).</param>
    private sealed record Reading(string Says, Action<OpenApiSchema>? Schema = null, bool RejectsMissing = false, bool Presence = false);

    /// <summary>A rule of a field, or null when it is not one this derivation understands.</summary>
    private static Reading? ReadRule(IPropertyValidator validator, Type ruleType, Type fieldType)
    {
        var isList = fieldType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(fieldType);
        var isText = (Nullable.GetUnderlyingType(fieldType) ?? fieldType) == typeof(string);
        switch (validator)
        {
            case INotNullValidator:
                return new Reading("required", RejectsMissing: true, Presence: true);
            case INotEmptyValidator:
                return new Reading(isText ? "required, minLength 1" : isList ? "required, minItems 1" : "required", s =>
                {
                    if (isText && (s.MinLength ?? 0) < 1)
                        s.MinLength = 1;
                    if (isList && (s.MinItems ?? 0) < 1)
                        s.MinItems = 1;
                }, RejectsMissing: true, Presence: true);
            case ILengthValidator length when isText:
                return new Reading($"length {length.Min}..{(length.Max < 0 ? "" : length.Max)}", s =>
                {
                    if (length.Min > 0)
                        s.MinLength = Math.Max(length.Min, s.MinLength ?? 0);
                    if (length.Max >= 0)
                        s.MaxLength = length.Max;
                });
            case IRegularExpressionValidator regex when isText:
                return new Reading($"pattern {regex.Expression}", s => s.Pattern = regex.Expression);
            case IBetweenValidator between when Number(between.From) is { } from && Number(between.To) is { } to:
                var inclusive = validator is IInclusiveBetweenValidator;
                return new Reading($"{(inclusive ? "inclusive" : "exclusive")} {from}..{to}", s =>
                {
                    if (inclusive)
                        (s.Minimum, s.Maximum) = (Text(from), Text(to));
                    else
                        (s.ExclusiveMinimum, s.ExclusiveMaximum) = (Text(from), Text(to));
                }, RejectsMissing: IsPlainNumber(ruleType) && (inclusive ? 0m < from || 0m > to : 0m <= from || 0m >= to));
            case IComparisonValidator { MemberToCompare: null, Comparison: Comparison.NotEqual } notEqual
                when Equals(notEqual.ValueToCompare, Default(ruleType)):
                return new Reading("not the default: required", RejectsMissing: true, Presence: true);
            case IComparisonValidator { MemberToCompare: null } comparison when Number(comparison.ValueToCompare) is { } bound:
                return Bound(comparison.Comparison, bound, isList && IsPlainNumber(ruleType), IsPlainNumber(ruleType));
            case IEnumValidator enumValidator when enumValidator.EnumType is { IsEnum: true } enumType:
                var names = Enum.GetNames(enumType);
                return new Reading($"enum {string.Join("|", names)}", s => s.Enum = names.Select(n => (JsonNode)JsonValue.Create(n)!).ToList());
            default:
                return null;
        }
    }

    private static Reading? Bound(Comparison comparison, decimal bound, bool countOfList, bool plainNumber)
    {
        var text = Text(bound);
        if (countOfList)
        {
            // A rule on a list's Count: the number of items.
            var limit = (int)bound;
            return comparison switch
            {
                Comparison.LessThanOrEqual => new Reading($"maxItems {limit}", s => s.MaxItems = limit),
                Comparison.LessThan => new Reading($"maxItems {limit - 1}", s => s.MaxItems = limit - 1),
                Comparison.GreaterThanOrEqual => new Reading($"minItems {limit}", s => s.MinItems = limit),
                Comparison.GreaterThan => new Reading($"minItems {limit + 1}", s => s.MinItems = limit + 1),
                _ => null,
            };
        }
        return comparison switch
        {
            Comparison.GreaterThan => new Reading($"exclusiveMinimum {text}", s => s.ExclusiveMinimum = text, plainNumber && 0m <= bound),
            Comparison.GreaterThanOrEqual => new Reading($"minimum {text}", s => s.Minimum = text, plainNumber && 0m < bound),
            Comparison.LessThan => new Reading($"exclusiveMaximum {text}", s => s.ExclusiveMaximum = text, plainNumber && 0m >= bound),
            Comparison.LessThanOrEqual => new Reading($"maximum {text}", s => s.Maximum = text, plainNumber && 0m > bound),
            _ => null,
        };
    }

    /// <summary>A rule of RuleForEach: on each item of a list.</summary>
    private static Reading? ReadItemRule(IPropertyValidator validator, Type fieldType, string name, RequestValidation validation,
        IReadOnlyDictionary<Type, RequestValidation> bodies)
    {
        var itemType = ItemType(fieldType);
        switch (validator)
        {
            // The items are a $ref to an object schema, which null does not match.
            case INotNullValidator when itemType is not null && !IsPlainNumber(itemType) && itemType != typeof(string):
                return new Reading("each item not null (the item schema is an object)");
            // The per-item validator is read for the item type's own schema, bound to this list.
            case IChildValidatorAdaptor when itemType is not null && bodies.TryGetValue(itemType, out var item)
                                             && item.Validated == validation.Validated && item.EachItemOf == name:
                return new Reading($"each item: the {itemType.Name} schema");
            default:
                return null;
        }
    }

    private static Type? ItemType(Type listType)
    {
        var type = listType.IsArray
            ? listType.GetElementType()
            : listType.GetInterfaces().Append(listType)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        return type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
    }

    private static bool IsCollectionRule(IValidationRule rule) =>
        rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition().Name == "ICollectionRule`2");

    /// <summary>
    /// The validator a ChildValidatorAdaptor&lt;T, TProperty&gt; runs: a fixed one (ChildRules, SetValidator with an instance)
    /// is the same for every context, so an empty context asks for it.
    /// </summary>
    private static IValidator? ChildValidator(IPropertyValidator adaptor)
    {
        var type = adaptor.GetType();
        while (type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ChildValidatorAdaptor<,>)))
            type = type.BaseType;
        if (type is null)
            return null;
        var arguments = type.GetGenericArguments();
        var context = Activator.CreateInstance(typeof(ValidationContext<>).MakeGenericType(arguments[0]), [null]);
        var value = arguments[1].IsValueType ? Activator.CreateInstance(arguments[1]) : null;
        return type.GetMethod(nameof(ChildValidatorAdaptor<object, object>.GetValidator))?.Invoke(adaptor, [context, value]) as IValidator;
    }

    private static string Message(IRuleComponent component, string field) =>
        (component.GetUnformattedErrorMessage() ?? component.Validator.Name).Replace("{PropertyName}", field, StringComparison.Ordinal);

    private static bool IsPlainNumber(Type type) =>
        Type.GetTypeCode(type) is TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
            or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal;

    private static decimal? Number(object? value) =>
        value is not null && IsPlainNumber(value.GetType()) ? Convert.ToDecimal(value, CultureInfo.InvariantCulture) : null;

    private static object? Default(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;

    private static string Text(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);
}
