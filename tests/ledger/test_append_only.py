"""The database itself refuses to change or remove ledger rows, whichever way the code asks."""

import pytest
from django.db import DatabaseError, connection, transaction

from lawtrail.ledger import checkpoints
from lawtrail.ledger.models import Checkpoint, Entry, Node, Tile

from .helpers import fill, sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    fill(16)  # completes one tile
    checkpoints.issue()


def refused(fn):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            fn()


@pytest.mark.parametrize("model", [Entry, Node, Tile, Checkpoint])
def test_orm_updates_and_deletes_of_ledger_rows_are_refused(log, model):
    row = model.objects.first()
    column = {Entry: "subject", Node: "hash", Tile: "hashes", Checkpoint: "note"}[model]
    refused(lambda: model.objects.filter(pk=row.pk).update(**{column: getattr(row, column)}))
    refused(lambda: model.objects.filter(pk=row.pk).delete())
    refused(lambda: row.delete())


def test_bulk_update_cannot_bypass_the_refusal(log):
    refused(lambda: Entry.objects.all().update(subject="case:someone-else"))
    assert set(Entry.objects.values_list("subject", flat=True)) == {"case:demo-1"}


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entry SET body = 'forged' WHERE seq = 1",
    "DELETE FROM ledger_entry WHERE seq = 4",
    "UPDATE ledger_node SET hash = hash",
    "DELETE FROM ledger_checkpoint",
    "DELETE FROM ledger_tile",
])
def test_raw_sql_updates_and_deletes_are_refused(log, statement):
    refused(lambda: sql(statement))
    assert Entry.objects.count() == 16 and Checkpoint.objects.count() == 1 and Tile.objects.count() == 1


def test_emptying_a_table_at_once_is_refused(log):
    # PostgreSQL's TRUNCATE skips row triggers, so it has a statement trigger of its own; SQLite
    # has no TRUNCATE, and its whole-table DELETE shortcut is disabled by the row trigger.
    refused(lambda: sql("TRUNCATE ledger_entry" if connection.vendor == "postgresql" else "DELETE FROM ledger_entry"))
    assert Entry.objects.count() == 16
