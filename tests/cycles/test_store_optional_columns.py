"""Foundation change made for the calendar table: rows lacking a non-key column stage it as NULL."""

import pandas as pd
import pyarrow as pa
import pytest

from dyad import schema
from dyad.store import StoreError, _select_list


def test_missing_optional_columns_become_null_and_missing_keys_fail(store):
    table = schema.TABLES["calendar"]
    old_style = pd.DataFrame({"country": ["RUS"], "date": [pd.Timestamp("2018-03-18").date()],
                              "kind": ["presidential_election"], "label": ["x"], "source": ["y"]})
    sql = _select_list(table, old_style)
    assert 'CAST(NULL AS DATE) AS "end_date"' in sql and 'CAST(NULL AS VARCHAR) AS "status"' in sql
    assert '"label"' in _select_list(table, pa.Table.from_pandas(old_style))
    store.con.register("_old", old_style)
    got = store.sql(f"SELECT {sql} FROM _old")
    assert list(got.columns) == list(table.column_names) and got["status"].isna().all()
    with pytest.raises(StoreError, match="lack key column"):
        _select_list(table, old_style.drop(columns=["kind"]))
