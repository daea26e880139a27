"""案号 allocation: per bureau, act type and year, without gaps or duplicates.

1. Make sure the counter row exists (INSERT … ON CONFLICT DO NOTHING: safe when two start at once).
2. Increment it with one conditional UPDATE. On PostgreSQL the row stays locked until the case's
   transaction ends, so a second allocator waits and then sees the new value; SQLite transactions
   already hold the write lock (BEGIN IMMEDIATE).
3. Read the value back and format it. A rollback of the case rolls the counter back too: no gap.
   A number already taken by a hand-entered case (补录) is skipped over, never reused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F

from .models import Case, CaseNumberCounter

ACT_CHARS = {"licensing": "许", "penalty": "罚", "coercion": "强", "inspection": "检", "expropriation": "征"}


def format_number(bureau, act_type: str, year: int, n: int) -> str:
    return bureau.case_number_format.format(abbr=bureau.abbr, act=ACT_CHARS[act_type], year=year, n=n)


def next_free(counter_model, key: dict, fmt: Callable[[int], str], taken: Callable[[str], bool]) -> str:
    """Steps 1-3 above for any numbered series (案号 here, 文号 in records)."""
    counter_model.objects.bulk_create([counter_model(**key, last=0)], ignore_conflicts=True)
    counter = counter_model.objects.filter(**key)
    while True:
        counter.update(last=F("last") + 1)
        number = fmt(counter.values_list("last", flat=True).get())
        if not taken(number):
            return number


def allocate(bureau, act_type: str, year: int) -> str:
    return next_free(CaseNumberCounter, {"bureau": bureau, "act_type": act_type, "year": year},
                     lambda n: format_number(bureau, act_type, year, n),
                     lambda number: Case.objects.filter(bureau=bureau, number=number).exists())
