"""The columns beside the index: a context's display name is its most used spelling."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from indexer.columns import (
    ColumnRows,
    Columns,
    distinct,
    empty_columns,
    extend_columns,
    link_key,
    load_columns,
    save_columns,
    title_words,
)
from indexer.event import Event, Related
from indexer.schema import TEXT_FIELDS


def rows(*stories: str) -> ColumnRows:
    found = ColumnRows()
    for n, story in enumerate(stories):
        found.add(
            Event(f"news/2015/05/1/e{n}", dt.date(2015, 5, 1), "zh", "示例", contexts=(story,))
        )
    return found


def appended(base: Columns, new: ColumnRows, deleted: tuple[int, ...] = ()) -> Columns:
    lengths = {f: np.zeros(len(new), np.uint16) for f in TEXT_FIELDS}
    return extend_columns(base, np.asarray(deleted, np.int64), new, lengths)


def test_context_is_named_by_the_spelling_most_events_use() -> None:
    columns = appended(empty_columns(), rows("示例國", "示例国", "示例国"))

    assert columns.contexts == ["示例国"]


def test_spelling_ties_go_to_code_point_order_whatever_came_first() -> None:
    one_way = appended(empty_columns(), rows("Examplia Unrest", "Examplia unrest"))
    other_way = appended(empty_columns(), rows("Examplia unrest", "Examplia Unrest"))

    assert one_way.contexts == other_way.contexts == ["Examplia Unrest"]


def test_appending_and_deleting_events_renames_the_context() -> None:
    first = appended(empty_columns(), rows("示例國", "示例國", "示例国"))
    more = appended(first, rows("示例国", "示例国"))
    fewer = appended(more, rows(), deleted=(3, 4))

    assert first.contexts == ["示例國"]
    assert more.contexts == ["示例国"]
    assert fewer.contexts == ["示例國"]


def test_spellings_survive_saving_and_loading(tmp_path: Path) -> None:
    columns = appended(empty_columns(), rows("示例國", "示例国", "示例国"))
    save_columns(tmp_path, columns)

    loaded = load_columns(tmp_path)

    assert loaded.context_spellings == ["示例國", "示例国"]
    assert list(loaded.context_spelling_ids) == [0, 1, 1]
    assert loaded.contexts == ["示例国"]


def test_columns_saved_before_spellings_were_kept_still_load(tmp_path: Path) -> None:
    save_columns(tmp_path, appended(empty_columns(), rows("示例國", "示例国")))
    (tmp_path / "columns" / "context_spelling_ids.npy").unlink()

    loaded = load_columns(tmp_path)

    assert loaded.context_spellings == loaded.contexts
    assert list(loaded.context_spelling_ids) == list(loaded.context_ids)


def test_title_words_are_folded_letters_without_han_words() -> None:
    assert title_words("Nicolás Maduro visits 示例港 and \uf900\uf901") == [
        "nicolas",
        "maduro",
        "visits",
        "and",
    ]


def test_the_files_on_disk_are_those_earlier_versions_wrote_and_the_places(tmp_path: Path) -> None:
    save_columns(tmp_path, appended(empty_columns(), rows("示例國", "示例国")))
    folder = tmp_path / "columns"

    arrays = {"live", "day", "lang", "context_ptr", "context_ids", "domain_ptr", "domain_ids"}
    arrays |= {"context_spelling_ids", *(f"len_{f}" for f in TEXT_FIELDS)}
    arrays |= {"place_ptr", "place_ids"}  # schema 9: a place needs a rebuild anyway
    arrays |= {"id_ptr", "id_keys", "link_ptr", "link_keys"}  # schema 10: the link graph
    assert {p.name for p in folder.iterdir()} == {f"{a}.npy" for a in arrays} | {"meta.json"}
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert list(meta) == ["langs", "contexts", "domains", "places", "context_spellings"]


def test_empty_columns_have_no_documents_and_one_pointer() -> None:
    empty = empty_columns()

    assert empty.doc_count == 0 and list(empty.context_ptr) == list(empty.domain_ptr) == [0]
    assert empty.live.dtype == np.bool_ and empty.lang.dtype == np.uint8
    assert set(empty.lengths) == set(TEXT_FIELDS) and empty.contexts == []


def test_ids_aliases_and_related_ids_are_kept_as_keys_per_event() -> None:
    linking = Event(
        "news/2015/05/2/b", dt.date(2015, 5, 2), "en", "B",
        related=(Related("news/2015/05/1/a-old", "A", ()),),
    )  # fmt: skip
    found = ColumnRows()
    found.add(
        Event("news/2015/05/1/a", dt.date(2015, 5, 1), "en", "A", aliases=("news/2015/05/1/a-old",))
    )
    found.add(linking)
    columns = appended(appended(empty_columns(), ColumnRows()), found)

    a, old, b = (
        link_key(i) for i in ("news/2015/05/1/a", "news/2015/05/1/a-old", "news/2015/05/2/b")
    )
    assert columns.id_ptr.tolist() == [0, 2, 3] and columns.id_keys.tolist() == [a, old, b]
    assert columns.link_ptr.tolist() == [0, 0, 1] and columns.link_keys.tolist() == [old]
    assert len({a, old, b}) == 3 and link_key("news/2015/05/1/a") == a  # stable, distinct


@given(st.lists(st.integers(-(2**63), 2**63 - 1)))
def test_distinct_gives_what_numpy_unique_gives(values: list[int]) -> None:
    array = np.array(values, np.int64)
    assert distinct(array).tolist() == np.unique(array).tolist()
    assert distinct(array).dtype == np.int64
