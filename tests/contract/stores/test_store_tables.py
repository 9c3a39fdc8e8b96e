"""A store's tables as its statements see them: columns in order, text unless typed."""

import pytest
from sqlalchemy import Integer, Text

from rtutils_adapters.sql.store import table
from rtutils_adapters.sql.types import Number, UtcTime


def test_a_table_keeps_its_columns_in_order_with_their_types_and_key():
    t = table("t", "id at note count", key="id", numbers="id", times="at", integers="count")
    assert [c.name for c in t.columns] == ["id", "at", "note", "count"]
    assert [c.name for c in t.primary_key] == ["id"]
    assert t.c.id.type is Number
    assert isinstance(t.c.at.type, UtcTime)
    assert isinstance(t.c.note.type, Text)
    assert isinstance(t.c.count.type, Integer)


def test_a_type_or_key_naming_no_column_is_refused():
    with pytest.raises(ValueError, match="the table t has no column nite"):
        table("t", "id note", key="id", times="nite")
