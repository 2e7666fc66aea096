using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// The hand-written INSERT and UPDATE of one entity type's rows, for the unit of work's write batch
/// (<see cref="UnitOfWork.Write"/>): the money path writes its few rows without EF Core's change tracker (no snapshot,
/// no DetectChanges, no modification commands per SaveChanges). Nothing about the mapping is written twice: the text is
/// built once per model from EF Core's model (table, column names, key), and each call fills the parameters through the
/// model's property getters and type mappings (value converters included: enums are stored by name), exactly as
/// SaveChanges would. A column renamed, added or converted differently in the model changes both paths alike.
/// </summary>
internal sealed class ModelRowStatements
{
    /// <summary>Only a factory of parameters for <see cref="RelationalTypeMapping.CreateParameter"/>, which takes a command.</summary>
    private static readonly NpgsqlCommand ParameterFactory = new();

    private readonly IProperty[] _insertColumns;
    private readonly IProperty[] _updateColumns;
    private readonly IProperty[] _keyColumns;
    private readonly RelationalTypeMapping[] _insertMappings;
    private readonly RelationalTypeMapping[] _updateMappings;
    private readonly RelationalTypeMapping[] _keyMappings;
    private readonly string _table;
    private readonly string _updateText;
    private readonly StoreObjectIdentifier _storeObject;
    private readonly ISqlGenerationHelper _sql;
    private readonly string _updateIfUnchangedText;

    private ModelRowStatements(IModel model, IEntityType entityType, ISqlGenerationHelper sql)
    {
        Model = model;
        _sql = sql;
        var table = entityType.GetTableName()
                    ?? throw new NotSupportedException($"{entityType.DisplayName()} is not mapped to a table.");
        _storeObject = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        if (entityType.GetComplexProperties().Any() || entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
            || entityType.GetDerivedTypes().Any() || entityType.BaseType is not null)
            throw new NotSupportedException($"{entityType.DisplayName()}: only a plain entity of one table is written by hand.");

        var properties = entityType.GetProperties().ToArray();
        // What SaveChanges would write differently from "every column, as the entity holds it": a value the database
        // generates, a column left to its default, an original value checked in the WHERE clause.
        if (properties.FirstOrDefault(p => p.IsShadowProperty() || p.ValueGenerated != ValueGenerated.Never
                                           || p.GetComputedColumnSql() is not null || p.GetDefaultValueSql() is not null
                                           || p.IsConcurrencyToken) is { } unfit)
            throw new NotSupportedException(
                $"{entityType.DisplayName()}.{unfit.Name}: shadow, generated, defaulted or concurrency-token properties are not written by hand.");

        var key = entityType.FindPrimaryKey() ?? throw new NotSupportedException($"{entityType.DisplayName()} has no key.");
        _keyColumns = [.. key.Properties];
        _insertColumns = properties;
        _updateColumns = [.. properties.Where(p => !p.IsPrimaryKey())];
        _insertMappings = [.. _insertColumns.Select(p => p.GetRelationalTypeMapping())];
        _updateMappings = [.. _updateColumns.Select(p => p.GetRelationalTypeMapping())];
        _keyMappings = [.. _keyColumns.Select(p => p.GetRelationalTypeMapping())];

        _table = sql.DelimitIdentifier(table, entityType.GetSchema());
        InsertText = $"INSERT INTO {_table} ({string.Join(", ", _insertColumns.Select(Column))}) VALUES ({
            string.Join(", ", _insertColumns.Select((_, i) => $"${i + 1}"))})";
        _updateText = $"UPDATE {_table} SET {string.Join(", ", _updateColumns.Select((p, i) => $"{Column(p)} = ${i + 1}"))} WHERE {
            string.Join(" AND ", _keyColumns.Select((p, i) => $"{Column(p)} = ${_updateColumns.Length + i + 1}"))}";
        UpdateText = ExpectingOneRow(_updateText);
        // IS NOT DISTINCT FROM: a nullable column that was NULL when loaded must still be NULL.
        _updateIfUnchangedText = ExpectingOneRow($"{_updateText} AND {string.Join(" AND ", _updateColumns.Select((p, i) =>
            $"{Column(p)} IS NOT DISTINCT FROM ${_updateColumns.Length + _keyColumns.Length + i + 1}"))}");
    }

    /// <summary>The model the text was built from.</summary>
    public IModel Model { get; }

    /// <summary>Every mapped column, key included.</summary>
    public string InsertText { get; }

    /// <summary>Every mapped column but the key, found by the key; refused by the database unless it wrote exactly one row.</summary>
    public string UpdateText { get; }

    /// <summary>
    /// An UPDATE that the database itself refuses (SQLSTATE CW001, migration 0023) unless it wrote exactly one row: the
    /// write batch may carry its COMMIT, so a miss must fail the batch before it, not be found afterwards.
    /// </summary>
    private string ExpectingOneRow(string update) =>
        $"WITH written AS ({update} RETURNING 1) SELECT expect_one_row(count(*), '{_table.Replace("'", "''", StringComparison.Ordinal)}') FROM written";

    /// <summary>The statements of <typeparamref name="TEntity"/>, built once per model (so once per process).</summary>
    public static ModelRowStatements For<TEntity>(DbContext db) where TEntity : class
    {
        var model = db.Model;
        var built = Of<TEntity>.Built;
        if (built is not null && ReferenceEquals(built.Model, model))
            return built;
        var entityType = model.FindEntityType(typeof(TEntity))
                         ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        return Of<TEntity>.Built = new ModelRowStatements(model, entityType, db.GetService<ISqlGenerationHelper>());
    }

    /// <summary>The row's INSERT, every column from the entity's current values.</summary>
    public NpgsqlBatchCommand Insert(object entity)
    {
        var command = new NpgsqlBatchCommand(InsertText);
        for (var i = 0; i < _insertColumns.Length; i++)
            command.Parameters.Add(Parameter(_insertColumns[i], _insertMappings[i], entity));
        return command;
    }

    /// <summary>The row's UPDATE: every non-key column from the entity's current values, found by its key.</summary>
    public NpgsqlBatchCommand Update(object entity)
    {
        var command = new NpgsqlBatchCommand(UpdateText);
        AddUpdateParameters(command, entity);
        return command;
    }

    /// <summary>
    /// The row's UPDATE as <see cref="Update"/>, and only if every non-key column still holds what
    /// <paramref name="loaded"/> (<see cref="ImageOf"/>, taken when the entity was loaded) holds: otherwise it touches no
    /// row, which the database refuses before the batch's COMMIT (a guard miss: the row moved since it was read).
    /// </summary>
    public NpgsqlBatchCommand UpdateIfUnchanged(object entity, object?[] loaded)
    {
        if (loaded.Length != _updateColumns.Length)
            throw new ArgumentException($"An image of {_table} has {_updateColumns.Length} values, not {loaded.Length}.", nameof(loaded));
        var command = new NpgsqlBatchCommand(_updateIfUnchangedText);
        AddUpdateParameters(command, entity);
        for (var i = 0; i < _updateColumns.Length; i++)
            command.Parameters.Add(Create(_updateColumns[i], _updateMappings[i], loaded[i]));
        return command;
    }

    /// <summary>The values of every non-key column, as the model's getters read them now: what <see cref="UpdateIfUnchanged"/> checks.</summary>
    public object?[] ImageOf(object entity)
    {
        var image = new object?[_updateColumns.Length];
        for (var i = 0; i < image.Length; i++)
            image[i] = _updateColumns[i].GetGetter().GetClrValueUsingContainingEntity(entity);
        return image;
    }

    private void AddUpdateParameters(NpgsqlBatchCommand command, object entity)
    {
        for (var i = 0; i < _updateColumns.Length; i++)
            command.Parameters.Add(Parameter(_updateColumns[i], _updateMappings[i], entity));
        for (var i = 0; i < _keyColumns.Length; i++)
            command.Parameters.Add(Parameter(_keyColumns[i], _keyMappings[i], entity));
    }

    private static NpgsqlParameter Parameter(IProperty property, RelationalTypeMapping mapping, object entity) =>
        Create(property, mapping, property.GetGetter().GetClrValueUsingContainingEntity(entity));

    /// <summary>
    /// A positional parameter (no name) as EF Core makes it for SaveChanges: the mapping applies the property's value
    /// converter and sets the database type.
    /// </summary>
    private static NpgsqlParameter Create(IProperty property, RelationalTypeMapping mapping, object? value) =>
        (NpgsqlParameter)mapping.CreateParameter(ParameterFactory, name: string.Empty, value, property.IsNullable);

    private string Column(IProperty property) =>
        _sql.DelimitIdentifier(property.GetColumnName(_storeObject)
                               ?? throw new NotSupportedException($"{property.Name} has no column in {_table}."));

    /// <summary>One slot per entity type: the statements of the model in use (tests may run several hosts, each its own).</summary>
    private static class Of<TEntity>
    {
        public static ModelRowStatements? Built;
    }
}
