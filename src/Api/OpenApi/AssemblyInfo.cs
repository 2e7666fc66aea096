using System.Runtime.CompilerServices;

// The contract tests read the derivation of request schemas from the validators (ValidatorSchemas, SchemaRules) directly.
[assembly: InternalsVisibleTo("CleanWallet.Api.Tests")]
