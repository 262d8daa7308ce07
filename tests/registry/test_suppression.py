"""Small counts of pupils are hidden, and nothing hidden can be recomputed from what is shown:
examples a coordinator would recognise, then Hypothesis over arbitrary tables."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from activities.registry.report.suppression import SECRET, Counts, Shown, is_small, protect


def table(*rows: tuple[int, int], threshold: int = 10) -> tuple[list[Shown], Shown]:
    counts = [Counts(p, g) for p, g in rows]
    total = Counts(sum(c.pupils for c in counts), sum(c.girls for c in counts))
    return protect(counts, total, threshold)


def test_large_counts_are_shown_as_they_are() -> None:
    rows, total = table((24, 12), (30, 14))
    assert [(r.pupils, r.girls) for r in rows] == [(24, 12), (30, 14)]
    assert (total.pupils, total.girls) == (54, 26)
    assert total.girls_share == 26 / 54


def test_a_small_school_is_hidden_and_so_is_the_next_smallest() -> None:
    rows, total = table((24, 12), (6, 3), (40, 20))
    assert rows[1].pupils == "<10"
    assert rows[0].pupils == SECRET  # 24 is the next smallest: 70 - 40 gives 6 + 24 only
    assert rows[2].pupils == 40
    assert total.pupils == 70


def test_a_single_small_row_hides_the_total_too() -> None:
    rows, total = table((7, 3))
    assert rows[0].pupils == "<10"
    assert total.pupils == "<10"


def test_girls_are_hidden_when_the_boys_are_few() -> None:
    rows, total = table((12, 10), (30, 15), (40, 20))
    assert rows[0].pupils == 12
    assert rows[0].girls == SECRET  # 10 girls would tell that 2 boys came
    assert rows[0].girls_share == SECRET
    assert rows[1].girls == SECRET  # secondary: 15 is the smallest other count of girls
    assert total.girls == 45


def test_zero_is_shown_and_never_chosen_while_a_positive_count_can_be() -> None:
    rows, _total = table((20, 0), (15, 4), (30, 12))
    assert rows[0].girls == 0
    assert rows[1].girls == "<10"
    assert rows[2].girls == SECRET


def test_the_threshold_is_configurable() -> None:
    rows, _total = table((6, 3), (8, 4), threshold=5)
    assert (rows[0].pupils, rows[0].girls) == (6, "<5")
    rows, _total = table((12, 6), (30, 15), threshold=15)
    assert rows[0].pupils == "<15"


def rows_strategy():
    row = st.integers(min_value=0, max_value=60).flatmap(
        lambda size: st.tuples(st.just(size), st.integers(min_value=0, max_value=size))
    )
    return st.lists(row, min_size=1, max_size=8)


def recoverable(values: list[int | str]) -> list[int]:
    """Indexes of hidden cells that subtraction recomputes along `total = sum(rows)`."""
    hidden = [i for i, v in enumerate(values) if not isinstance(v, int)]
    return hidden if len(hidden) == 1 else []


@settings(max_examples=400, deadline=None)
@given(rows=rows_strategy(), threshold=st.integers(min_value=1, max_value=20))
def test_no_hidden_count_can_be_recomputed_from_a_total(rows, threshold) -> None:
    shown, total = table(*rows, threshold=threshold)
    everything = [*shown, total]
    counts = [Counts(p, g) for p, g in rows]
    counts.append(Counts(sum(c.pupils for c in counts), sum(c.girls for c in counts)))
    for column in ("pupils", "girls"):
        values = [getattr(s, column) for s in everything]
        assert recoverable(values) == [], (column, values)
    for truth, published in zip(counts, everything, strict=True):
        # primary rule: small counts (and girls with few boys) are never shown
        if is_small(truth.pupils, threshold):
            assert published.pupils == f"<{threshold}"
        if is_small(truth.girls, threshold) or is_small(truth.pupils - truth.girls, threshold):
            assert not isinstance(published.girls, int)
        # what is shown is true: a number is the count, `<N` only for a small count
        for column in ("pupils", "girls"):
            value, real = getattr(published, column), getattr(truth, column)
            assert value in (real, SECRET) or (
                value == f"<{threshold}" and is_small(real, threshold)
            )
        # the share never reveals a hidden pupils or girls count
        if not (isinstance(published.pupils, int) and isinstance(published.girls, int)):
            assert published.girls_share == SECRET
        elif truth.pupils:
            assert published.girls_share == truth.girls / truth.pupils
