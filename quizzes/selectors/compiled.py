"""Reads whose SQL the ORM builds once per process, then runs with new ids.

On a hot page, building and compiling a query with its joins costs Django more CPU than the
database takes to run it, and the query differs between requests only by an id or two. A
`CompiledRead` asks the ORM for the SQL once per database, with placeholder ids, and each call
runs it with the real ones; the rows become model instances through the ORM's own converters
and `Model.from_db`, with the select_related objects attached as the ORM would attach them.
"""

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model, QuerySet

# Ids no row has: they mark where the real ids go in the compiled SQL.
ID_PLACEHOLDERS = (-(2**62) - 1, -(2**62) - 2)
# The largest value a column can hold; larger ones (a URL can hold any number) find nothing.
MAX_VALUE = 2**63 - 1


class CompiledRead:
    """`build(*values)` makes the QuerySet (of `model`); its SQL is compiled once per database
    with `placeholders` for the values, and each call runs it with the real ones: `objects()`
    for a query of model instances (select_related included), `rows()` for a `values_list`
    query. A placeholder must be a value the field accepts (the ORM checks ranges) and that no
    constant of the query equals; it may appear several times, and constants stay as built."""

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet],
        placeholders: tuple[int, ...] = ID_PLACEHOLDERS,
    ):
        self.model = model
        self.build = build
        self.placeholders = placeholders
        self.compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        compiler = self.build(*self.placeholders).query.get_compiler(using)
        sql, params = compiler.as_sql()
        # isinstance, not type(): on PostgreSQL the ORM wraps integers in psycopg's Int2/Int4/
        # Int8 (subclasses of int, equal to and hashed as the int they hold).
        found = {p for p in params if isinstance(p, int) and not isinstance(p, bool)}
        if missing := [p for p in self.placeholders if p not in found]:
            raise ValueError(f"the built query does not use the placeholders {missing!r}")
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        return compiler, sql, list(params), compiler.get_converters(columns)

    def _run(self, values: tuple[int, ...]) -> tuple:
        using = router.db_for_read(self.model)
        if using not in self.compiled:
            self.compiled[using] = self._compile(using)
        compiler, sql, params, converters = self.compiled[using]
        given = dict(zip(self.placeholders, values, strict=True))
        with connections[using].cursor() as cursor:
            cursor.execute(
                sql,
                [
                    given.get(p, p) if isinstance(p, int) and not isinstance(p, bool) else p
                    for p in params
                ],
            )
            rows = cursor.fetchall()
        if converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return compiler, using, rows

    def rows(self, *values: int) -> list[tuple]:
        """The rows of a `values_list` query, converted as the ORM converts them."""
        if any(not -MAX_VALUE <= i <= MAX_VALUE for i in values):
            return []
        return self._run(values)[2]

    def objects(self, *values: int) -> list[Model]:
        if any(not -MAX_VALUE <= i <= MAX_VALUE for i in values):
            return []
        compiler, using, rows = self._run(values)
        return [_instance(compiler, compiler.klass_info, row, using) for row in rows]


def _instance(compiler, klass_info: dict, row, using: str) -> Model | None:
    """The row's object of this part of the select_related tree, its related objects attached."""
    fields = klass_info["select_fields"]
    model = klass_info["model"]
    names = [compiler.select[i][0].target.attname for i in fields]
    values = [row[i] for i in fields]
    if values[names.index(model._meta.pk.attname)] is None:
        return None  # a nullable relation with nothing at the other end
    obj = model.from_db(using, names, values)
    for related in klass_info.get("related_klass_infos", []):
        child = _instance(compiler, related, row, using)
        related["local_setter"](obj, child)
        if child is not None:
            related["remote_setter"](child, obj)
    return obj
