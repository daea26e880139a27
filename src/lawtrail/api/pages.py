"""The API's lists come in pages (limit/offset). Only the rows of the requested page are read and
built: a list function returns a queryset, or ``built_per_page(queryset, build)`` when each row
needs more than the schema reads from the model."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .schemas import MAX_ID


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT,
                           description="每页条数")
        offset: int = Field(0, ge=0, le=MAX_ID, description="跳过的条数")


class built_per_page:  # noqa: N801 (reads as what it does where the list returns it)
    """A queryset whose rows are built by ``build`` only once the page has sliced it: the count is
    the database's, and a page of 50 builds 50 rows however many the caller may see."""

    def __init__(self, queryset: QuerySet, build: Callable):
        self.queryset, self.build = queryset, build

    def __getitem__(self, page: slice) -> list:
        return [self.build(row) for row in self.queryset[page]]

    def __len__(self) -> int:
        return self.queryset.count()
