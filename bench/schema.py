"""SQL built from the Django models, so that the seed never restates the schema: table names,
column lists and the defaults of the columns the seed leaves out all come from ``Model._meta``.

``insert_sql(Model, values, source)`` builds one ``INSERT INTO <table> (<columns>) SELECT
<expressions> <source>``: ``values`` maps field names to SQL expressions; every other concrete
field takes the model's default, NULL where it is nullable, '' where it may be blank, or is left
to the database (an auto-incremented key, a database default, a generated column). A field the
seed names that the model does not have, or a field with none of these, stops the seed with a
message that says which. Renamed columns (``db_column``) follow by themselves."""

from django.db import connection

# The SQL is assembled from the models' own names and the seed's expressions, never from input.
# ruff: noqa: S608


class SeedError(RuntimeError):
    """The seed and the models disagree."""


def quote(name):
    return connection.ops.quote_name(name)


def label_of(model, field=None):
    """sspf_flow.Case or sspf_flow.Case.status (a many-to-many table: its through model)."""
    return f"{model._meta.label}.{field.name}" if field else model._meta.label


def _literal(field, value):
    """The field's value as a typed SQL literal, prepared as the ORM would save it."""
    prepared = field.get_db_prep_save(value, connection)
    return (
        f"CAST({connection.ops.compose_sql('%s', [prepared])} AS {field.cast_db_type(connection)})"
    )


def _left_to_database(field):
    if getattr(field, "generated", False) or field.has_db_default():
        return True
    return field.primary_key and getattr(field, "db_returning", False)  # an AutoField


def _default(model, field):
    """The SQL for a field the seed gives no value, or None when the database fills it."""
    if _left_to_database(field):
        return None
    if field.has_default():
        return _literal(field, field.get_default())
    if field.null:
        return f"CAST(NULL AS {field.cast_db_type(connection)})"
    if field.blank and field.empty_strings_allowed:
        return _literal(field, "")
    raise SeedError(
        f"{label_of(model, field)} has no seed value and no default: give it a value in the "
        "bench seed (bench/rows.py, bench/flowrows.py or bench/seed.py)."
    )


def columns(model, values):
    """[(column, SQL expression)] for the concrete fields of ``model``, in the model's order."""
    fields = {field.name: field for field in model._meta.concrete_fields}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise SeedError(
            f"{label_of(model)} has no field {', '.join(unknown)}, which the bench seed fills "
            f"(its fields: {', '.join(fields)})."
        )
    result = []
    for name, field in fields.items():
        expression = values[name] if name in values else _default(model, field)
        if expression is not None:
            result.append((field.column, expression))
    return result


def insert_sql(model, values, source):
    pairs = columns(model, values)
    names = ", ".join(quote(column) for column, _e in pairs)
    expressions = ",\n    ".join(expression for _c, expression in pairs)
    return f"INSERT INTO {quote(model._meta.db_table)} ({names})\nSELECT {expressions}\n{source}"


def through(model, name):
    """The table model of a many-to-many field (its fields are named after the two ends)."""
    return model._meta.get_field(name).remote_field.through


def table(model):
    return quote(model._meta.db_table)


def reset_sequences(cursor, models):
    """Move each table's id sequence past the ids the seed wrote (the ORM's own statements)."""
    from django.core.management.color import no_style

    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(statement)


def _models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def check_foreign_keys(cursor):
    """Every foreign key of every model (and many-to-many table) points at an existing row."""
    problems = []
    for model in _models():
        for field in model._meta.local_fields:
            forward = field.is_relation and (field.many_to_one or field.one_to_one)
            if not forward or not field.db_constraint:
                continue
            target = field.target_field
            column, parent = quote(field.column), table(target.model)
            cursor.execute(
                f"SELECT count(*) FROM {table(model)} AS c WHERE c.{column} IS NOT NULL"
                f" AND NOT EXISTS (SELECT 1 FROM {parent} AS p"
                f" WHERE p.{quote(target.column)} = c.{column})"
            )
            (missing,) = cursor.fetchone()
            if missing:
                problems.append(f"{label_of(model, field)}: {missing} rows point nowhere")
    if problems:
        raise SeedError("the seed broke foreign keys:\n" + "\n".join(problems))


def check_choices(cursor, models):
    """Every value of a field with choices is one of the model's choices (one scan a table):
    a renamed status or kind in the application shows here instead of as odd pages."""
    problems = []
    for model in models:
        fields = [f for f in model._meta.concrete_fields if f.choices and not f.null]
        if not fields:
            continue
        tests = []
        for field in fields:
            values = [value for value, _label in field.flatchoices]
            if field.blank and field.empty_strings_allowed:
                values.append("")
            allowed = ", ".join(_literal(field, value) for value in values)
            tests.append(f"count(*) FILTER (WHERE {quote(field.column)} NOT IN ({allowed}))")
        cursor.execute(f"SELECT {', '.join(tests)} FROM {table(model)}")
        for field, wrong in zip(fields, cursor.fetchone(), strict=True):
            if wrong:
                problems.append(f"{label_of(model, field)}: {wrong} rows hold no valid choice")
    if problems:
        raise SeedError("the seed wrote values the models do not allow:\n" + "\n".join(problems))
