"""Ledger tables. Rows are written only by store.py and checkpoints.py; the database refuses
UPDATE and DELETE on all three (migration 0002), and verify.py recomputes every column."""

import json

from django.db import models
from django.utils.functional import cached_property


class RowIdField(models.BigIntegerField):
    """A 64-bit primary key that SQLite stores as the table's rowid.

    SQLite aliases the rowid only for a column declared exactly INTEGER PRIMARY KEY; Django's
    BIGINT primary key instead gets a separate index, doubling every lookup and insert.
    """

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class Entry(models.Model):
    """One ledger entry. ``body`` is the exact canonical JSON that is hashed (see entry.py) and
    holds every field; ``subject`` is repeated as a column only because a case's timeline is
    queried by it, ``bureau`` because each bureau's audit trail is. Each repeated column is one
    more thing verify must check and every durable append must write, so add one only together
    with the query that needs it."""

    seq = RowIdField("序号", primary_key=True)
    subject = models.CharField("对象", max_length=200, blank=True)
    # The bureau's id, not a foreign key: the ledger stands alone (and the body says the same);
    # NULL is an entry of the installation as a whole (ledger/attribution.py).
    bureau = models.BigIntegerField("所属机关", null=True, blank=True)
    body = models.TextField("条目内容")
    hash = models.BinaryField("SHA-256", max_length=32)
    sm3 = models.BinaryField("SM3", max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "账本条目"
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject", "seq"], name="ledger_entry_subject"),
                   models.Index(fields=["bureau", "seq"], name="ledger_entry_bureau")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.subject}"

    @cached_property
    def fields(self) -> dict:
        return json.loads(self.body)

    @property
    def time(self) -> str:
        return self.fields["time"]

    @property
    def actor(self) -> str:
        return self.fields["actor"]

    @property
    def action(self) -> str:
        return self.fields["action"]

    @property
    def payload(self):
        return self.fields["payload"]


class Node(models.Model):
    """A perfect Merkle subtree root above the leaves, keyed by merkle.node_key()."""

    key = RowIdField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "默克尔树节点"


class Checkpoint(models.Model):
    """A signed statement of the tree's size and root at a time (text format: checkpoints.py)."""

    size = models.BigIntegerField("条目数", db_index=True)
    root = models.BinaryField("根哈希", max_length=32)
    time = models.CharField("签发时间(UTC)", max_length=27)
    note = models.TextField("签名检查点")

    class Meta:
        verbose_name = verbose_name_plural = "签名检查点"
        ordering = ["id"]

    def __str__(self):
        return f"检查点 {self.size} @ {self.time}"


class Tile(models.Model):
    """The 31 nodes of a completed height-4 subtree in one row (merkle.tile_nodes order), keyed by
    the node_key of its root: a read-side copy that lets a proof read a few rows, not ~log2(n)."""

    key = RowIdField(primary_key=True)
    hashes = models.BinaryField(max_length=31 * 32)

    class Meta:
        verbose_name = verbose_name_plural = "默克尔树瓦片"
