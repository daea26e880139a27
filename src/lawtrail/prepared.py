"""Querysets compiled once and executed again with other values.

Django compiles a queryset to SQL each time it is evaluated. For the case page's one-case reads
that compilation cost several times what the database took to answer them (an officer's
visibility test alone, with its EXISTS, took longer to build than to run). A Prepared statement
builds its queryset once from placeholder arguments, keeps the SQL, the converters and the way
ModelIterable makes rows into instances, and afterwards only executes.

The queryset must depend on its arguments only (no now(), nothing read from the database while
it is built), and an argument that reaches the SQL must reach it unchanged, as a parameter:
compiling refuses one the ORM rewrites (a ``contains``'s %…%) or one that changes the statement.
An argument given as None is compiled as None (the ORM writes IS NULL), so None and not-None are
compiled apart.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models.query import ModelIterable, get_related_populators

# Two sets of placeholders, within the range of every integer field (SmallIntegerField and
# PositiveSmallIntegerField included: the ORM drops a condition on a number its field cannot
# hold). The queryset is compiled with each: a parameter that differs between the two is the
# argument at that place, one that does not is a constant of the query.
_MARKS = (30_001, 31_001)


class _Compiled:
    __slots__ = ("sql", "params", "converters", "width", "model", "init", "start", "end", "related", "annotations")


class Prepared:
    def __init__(self, model: str, build):
        """``model``: "app.Model" of the queryset ``build(*args)`` returns (for the database router)."""
        self.model_label, self.build = model, build
        # Per connection object (one per thread): converters are bound to a connection's operations.
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()

    def _get(self, args) -> tuple[object, _Compiled | None]:
        db = router.db_for_read(apps.get_model(self.model_label))
        conn = connections[db]
        nones = tuple(a is None for a in args)
        per_conn = self._compiled.setdefault(conn, {})
        if nones not in per_conn:
            per_conn[nones] = self._compile(db, nones)
        return db, per_conn[nones]

    def _compile(self, db, nones) -> _Compiled | None:
        compiled = []
        for base in _MARKS:
            marks = [None if none else base + i for i, none in enumerate(nones)]
            qs = self.build(*marks)
            if qs.db != db:
                raise ImproperlyConfigured(f"{self.model_label}: 查询集使用的数据库 {qs.db} 与路由 {db} 不同")
            if qs.query.is_empty():
                return None  # .none(): nothing whatever the arguments
            compiler = qs.query.get_compiler(using=db)
            compiled.append((marks, compiler, *compiler.as_sql()))
        (marks_a, _, sql, params), (marks_b, compiler, sql_b, params_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise ImproperlyConfigured(f"{self.model_label}: 语句随参数值而变，不能预编译")
        c = _Compiled()
        c.sql, c.params = sql, []
        for p, q in zip(params, params_b):  # (index of the argument, or None for a constant; the constant)
            if p == q:
                c.params.append((None, p))
                continue
            slot = next((i for i, (m, n) in enumerate(zip(marks_a, marks_b))
                         if m is not None and (p, q) in ((m, n), (str(m), str(n)))), None)
            if slot is None:
                raise ImproperlyConfigured(f"{self.model_label}: 参数 {p!r} 被改写（如 contains 的 %…%），不能预编译")
            c.params.append((slot, None))
        c.width = compiler.col_count
        c.converters = list(compiler.get_converters([s[0] for s in compiler.select[:c.width]]).items())
        info = compiler.klass_info
        c.model = None
        if info is not None and qs._iterable_class is ModelIterable:
            c.model = info["model"]
            fields = info["select_fields"]
            c.start, c.end = fields[0], fields[-1] + 1
            c.init = [s[0].target.attname for s in compiler.select[c.start:c.end]]
            c.related = get_related_populators(info, compiler.select, db)
            c.annotations = list(compiler.annotation_col_map.items())
        return c

    def rows(self, *args) -> list[list]:
        """The selected columns of each row, converted as the ORM converts them (in the order of a
        values_list of plain fields; the ORM reorders annotations and extras, this does not)."""
        db, c = self._get(args)
        return [] if c is None else self._fetch(db, c, args)

    def objects(self, *args) -> list:
        """Model instances as iterating the queryset gives them (select_related and annotations included)."""
        db, c = self._get(args)
        if c is None:
            return []
        if c.model is None:
            raise ImproperlyConfigured(f"{self.model_label}: 这个查询集不返回模型实例，请用 rows()")
        out = []
        for row in self._fetch(db, c, args):
            obj = c.model.from_db(db, c.init, row[c.start:c.end])
            for populator in c.related:
                populator.populate(row, obj)
            for name, pos in c.annotations:
                setattr(obj, name, row[pos])
            out.append(obj)
        return out

    def first(self, *args):
        found = self.objects(*args)
        return found[0] if found else None

    @staticmethod
    def _fetch(db, c: _Compiled, args) -> list[list]:
        conn = connections[db]
        with conn.cursor() as cur:
            cur.execute(c.sql, [p if slot is None else args[slot] for slot, p in c.params])
            fetched = cur.fetchall()
        if not c.converters:
            return [list(row[:c.width]) for row in fetched]
        out = []
        for row in fetched:
            row = list(row[:c.width])
            for pos, (funcs, expression) in c.converters:
                value = row[pos]
                for fn in funcs:
                    value = fn(value, expression, conn)
                row[pos] = value
            out.append(row)
        return out
