"""The plotter's data and its CSV export (kernels/widgets/plot.py, through tne/csv_export.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kernels.widgets.plot import PlotData


def test_chunks_cut_anywhere_make_the_same_rows() -> None:
    whole, cut = PlotData(), PlotData()
    text = "temp: 21.5\r\ntemp: 22\nBonjour\ntemp: 22.5\n"
    whole.feed(text)
    for character in text:
        cut.feed(character)
    assert (
        list(cut.rows)
        == list(whole.rows)
        == [
            (1, {"temp": 21.5}),
            (2, {"temp": 22.0}),
            (3, {"temp": 22.5}),
        ]
    )


def test_a_last_line_without_newline_counts_when_the_cell_ends() -> None:
    plot = PlotData()
    assert plot.feed("1 2\n3 4") == 1
    assert plot.end_of_output() == 1
    assert plot.view() == {
        "x": [1, 2],
        "series": [{"name": "1", "values": [1.0, 3.0]}, {"name": "2", "values": [2.0, 4.0]}],
    }


def test_the_view_rolls_while_the_export_keeps_every_row() -> None:
    plot = PlotData(window=10)
    plot.feed("".join(f"{i}\n" for i in range(50)))
    view = plot.view()
    assert view["x"] == list(range(41, 51))
    assert view["series"][0]["values"] == [float(i) for i in range(40, 50)]
    assert len(plot.table()[1]) == 50


def test_a_series_missing_from_a_line_is_a_gap() -> None:
    plot = PlotData()
    plot.feed("a: 1 b: 2\na: 3\n")
    assert plot.view()["series"][1] == {"name": "b", "values": [2.0, None]}


def test_csv_bytes_open_in_a_french_spreadsheet() -> None:
    plot = PlotData()
    plot.feed("temp: 21.5 @cmd: -3\ntemp: 22\n")
    data = plot.csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n") == [
        "ligne;temp;'@cmd",
        "1;21,5;-3,0",
        "2;22,0;",
        "",
    ]


def test_export_writes_a_dated_file_and_never_overwrites_one(tmp_path: Path) -> None:
    plot = PlotData()
    plot.feed("1 2\n")
    now = dt.datetime(2026, 11, 28, 9, 5, 3)
    first = plot.export(tmp_path, now)
    second = plot.export(tmp_path, now)
    assert first.name == "mesures-20261128-090503.csv"
    assert second.name == "mesures-20261128-090503-2.csv"
    assert first.read_bytes() == second.read_bytes() == plot.csv()


def test_clear_forgets_everything() -> None:
    plot = PlotData()
    plot.feed("1\n2\n")
    plot.clear()
    plot.feed("5\n")
    assert list(plot.rows) == [(1, {"1": 5.0})]


def test_a_flood_without_newline_does_not_grow_without_end() -> None:
    plot = PlotData()
    plot.feed("x" * 10_000)
    assert len(plot._pending) <= 4096


def test_the_view_can_be_read_while_lines_arrive_on_another_thread() -> None:
    import threading

    plot = PlotData(window=50)
    feeding = threading.Thread(
        target=lambda: [plot.feed(f"a: {i} b: {i / 2}\n") for i in range(5_000)]
    )
    feeding.start()
    views = 0
    while feeding.is_alive():
        view = plot.view()  # a deque read while it changes would raise RuntimeError
        assert all(len(s["values"]) == len(view["x"]) for s in view["series"])
        views += 1
    feeding.join()
    assert plot.count == 5_000 and views > 0
