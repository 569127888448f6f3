"""The database handle every table is bound to, and the base model."""

from __future__ import annotations

import datetime as dt

from .driver import import_peewee

import_peewee()  # without the PostgreSQL driver: an office on a server loads it (driver.py)

from peewee import (  # noqa: E402
    AutoField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyAccessor,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelBase,
    Node,
)

database = DatabaseProxy()

_BY_KEY: dict = {}  # (model, field name, parameter style) -> the compiled "get by key" query


def get_by_key(model, field, value):
    """``model.get(field == value)`` for an integer key, its SQL compiled once (per model, field
    and kind of database) instead of at every call: the same statement and the same row to model
    conversion as peewee's, without building the query again. Fetching a related row
    (``invoice.account``) and ``get_by_id`` go through it; a posting fetches hundreds."""
    db = model._meta.database
    key = (model, field.name, db.param)
    compiled = _BY_KEY.get(key)
    if compiled is None:
        query = model.select().where(field == 0).paginate(1, 1)
        sql, params = query.sql()
        compiled = _BY_KEY[key] = (query, sql) if params == [0, 1, 0] else (query, None)
    query, sql = compiled
    if sql is None:  # a query peewee compiles otherwise: let it
        return model.get(field == value)
    params = [field.db_value(value), 1, 0]
    for row in _rows(key, query, db.execute_sql(sql, params)):
        return row
    raise model.DoesNotExist(f"{model} instance matching query does not exist:\nSQL: {sql}\n"
                             f"Params: {params}")


_COLUMNS: dict = {}  # a compiled statement's key -> how its cursor's columns become fields


def _rows(key, query, cursor):
    """peewee's rows of ``query`` from ``cursor`` (its compiled statement run again). How the
    cursor's columns map to fields and converters is worked out by peewee on the statement's first
    rows and kept: the same statement always has the same columns."""
    wrapper = query._get_cursor_wrapper(cursor)
    kept = _COLUMNS.get(key)
    if kept is not None:
        wrapper.__dict__.update(kept)
        wrapper.initialized = True
        return wrapper
    before = dict(wrapper.__dict__)
    row = cursor.fetchone()
    if row is None:
        return []
    wrapper.initialize()
    _COLUMNS[key] = {name: value for name, value in wrapper.__dict__.items()
                     if name not in before or before[name] is not value}
    wrapper.initialized = True
    wrapper.count = 1
    wrapper.row_cache.append(wrapper.process_row(row))
    return list(wrapper)  # the first row, then the rest


def _integer_key(field) -> bool:
    return isinstance(field, (AutoField, IntegerField)) and not isinstance(field, ForeignKeyField)


class _RelatedByKey(ForeignKeyAccessor):
    """``invoice.account``: peewee's accessor, fetching through ``get_by_key``."""

    def get_rel_instance(self, instance):
        value = instance.__data__.get(self.name)
        if (value is not None and self.name not in instance.__rel__ and self.field.lazy_load
                and _integer_key(self.field.rel_field)):
            instance.__rel__[self.name] = get_by_key(self.rel_model, self.field.rel_field, value)
        return super().get_rel_instance(instance)


class _Tables(ModelBase):
    """peewee's model class, its foreign keys fetched through ``get_by_key``."""

    def __new__(cls, name, bases, attrs, **kwargs):
        model = super().__new__(cls, name, bases, attrs, **kwargs)
        for field in model._meta.sorted_fields:
            if type(model.__dict__.get(field.name)) is ForeignKeyAccessor:
                setattr(model, field.name, _RelatedByKey(model, field, field.name))
        return model


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model, metaclass=_Tables):
    """Fields named in ``derived`` (balances kept by the ledger) are never written by ``save()``
    of an existing row: only the ledger moves them, so a stale instance cannot undo a posting."""

    derived: tuple[str, ...] = ()

    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def get_by_id(cls, pk):
        key = cls._meta.primary_key
        return get_by_key(cls, key, pk) if _integer_key(key) else super().get_by_id(pk)

    def save(self, force_insert=False, only=None):
        if self.derived and only is None and not force_insert and self._pk is not None:
            only = [f for f in self._meta.sorted_fields
                    if f.name not in self.derived and not f.primary_key]
        if not self._meta.only_save_dirty and not (force_insert and self._pk is not None):
            saved = _save_plainly(self, only)
            if saved is not None:
                return saved
        return super().save(force_insert=force_insert, only=only)


_WRITE_SQL: dict = {}  # (model, verb, column names) -> the statement, written once


def _save_plainly(record: BaseModel, only) -> int | None:
    """``save()`` of a row with an integer key made of plain values, through a statement written
    once per model and set of columns: the same columns, the same values converted by the same
    fields (``db_value``) as peewee's INSERT or UPDATE, without building the query each time.
    None when the save is not that plain (peewee then saves it as it always does)."""
    meta = record._meta
    key_field = meta.primary_key
    if not (meta.auto_increment and _integer_key(key_field)):
        return None
    data = dict(record.__data__)
    if only is not None:
        chosen = {f if isinstance(f, str) else f.name for f in only}
        data = {name: value for name, value in data.items() if name in chosen}
    record._populate_unsaved_relations(data)
    fields = meta.fields
    pk = record._pk
    data.pop(key_field.name, None)
    if pk is None:
        for field, default in meta.defaults.items():
            if field.name not in data:
                data[field.name] = default() if callable(default) else default
    if not data or any(isinstance(value, Node) or name not in fields for name, value in data.items()):
        return None
    names = tuple(data)
    statement = _WRITE_SQL.get((record.__class__, pk is None, names))
    if statement is None:
        table = _quoted(meta.table_name)
        columns = [_quoted(fields[name].column_name) for name in names]
        if pk is None:
            statement = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                         f"({', '.join('?' for _ in names)}) RETURNING {_quoted(key_field.column_name)}")
        else:
            statement = (f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} "
                         f"WHERE ({_quoted(key_field.column_name)} = ?)")
        _WRITE_SQL[(record.__class__, pk is None, names)] = statement
    params = [fields[name].db_value(value) for name, value in data.items()]
    database = meta.database
    if pk is None:
        record._pk = database.execute_sql(statement, params).fetchone()[0]
        record._dirty.discard(key_field.name)
        rows = 1
    else:
        rows = database.execute_sql(statement, params + [key_field.db_value(pk)]).rowcount
    record._dirty -= set(data)
    return rows


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Stamped(BaseModel):
    """A record that remembers when it was keyed (the entry date)."""

    created_at = DateTimeField(default=now, index=True)


_PREPARED: dict = {}  # (name, parameter style) -> [query, sql or None, times its params matched]


def prepared(name: str, build, binds: list) -> list:
    """The rows of ``build()`` (a peewee select of one fixed shape), its SQL compiled until it is
    trusted and then reused: only the values change. ``binds`` are the query's parameters in the
    order its SQL holds them, each ``(field, value)`` (the field converts it as peewee would; None
    for a value passed as it is, such as a LIMIT). The statement is trusted once peewee's own
    compilation has given exactly these parameters for two different sets of values; until then,
    and whenever they disagree, peewee runs the query as always."""
    db = database.obj
    key = (name, db.param)
    params = [value if field is None else field.db_value(value) for field, value in binds]
    entry = _PREPARED.get(key)
    if entry is not None and entry[1] is not None:
        query, sql = entry[0], entry[1]
        return list(_rows(key, query, db.execute_sql(sql, params)))
    query = build()
    sql, compiled = query.sql()
    if compiled != params:
        _PREPARED[key] = [query, None, -1]  # never trusted: peewee compiles it every time
    elif entry is None:
        _PREPARED[key] = [query, None, params]
    elif entry[2] != -1 and entry[2] != params:
        _PREPARED[key] = [query, sql, 2]
    return list(query)
