"""Page sizes from the query string: capped at what one page may show, a page's own size included."""

import django_tables2 as tables
import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from common.lists import BaseTable
from common.params import MAX_PER_PAGE, table_paginate


class Numbers(BaseTable):
    number = tables.Column()

    class Meta(BaseTable.Meta):
        pass


ROWS = [{"number": n} for n in range(400)]


def paginated(query: str, *, per_page: int) -> int:
    table = Numbers(ROWS)
    table_paginate(RequestFactory().get(f"/?{query}"), table, per_page=per_page)
    return table.paginator.per_page


def test_a_page_size_asked_for_is_capped_at_the_most_one_page_may_show():
    assert paginated("", per_page=50) == 50
    assert paginated("per_page=120", per_page=50) == 120
    assert paginated("per_page=5000", per_page=50) == MAX_PER_PAGE == 200


def test_a_page_that_shows_more_than_that_at_once_keeps_its_own_size_when_asked_for_it():
    assert paginated("", per_page=300) == 300
    assert paginated("per_page=300", per_page=300) == 300
    assert paginated("per_page=5000", per_page=300) == 300


@pytest.mark.parametrize("query", ["per_page=0", "per_page=-3", "per_page=十"])
def test_a_page_size_that_is_no_positive_whole_number_is_a_clean_400(query):
    with pytest.raises(BadRequest, match="须为正整数"):
        paginated(query, per_page=50)
