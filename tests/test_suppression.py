"""Small numbers hidden in the steering report (issue 14, 4): a count from 1 up to the threshold
shows as "<3" (primary), and where a table shows its total a lone hidden cell takes a second one
with it (secondary, shown as "×": it is not small), so that no hidden count can be worked out
from what is shown."""

from hypothesis import given
from hypothesis import strategies as st

from reporting.suppression import Cell, primary, protect


def shown(values, threshold=3, total=None):
    cells, total_cell = protect(values, threshold, total)
    return [c.shown() for c in cells], total_cell.shown() if total_cell else None


def test_a_count_below_the_threshold_shows_as_less_than_it_and_zero_shows():
    assert [primary(v, 3).shown() for v in (0, 1, 2, 3, 40)] == ["0", "<3", "<3", "3", "40"]
    assert primary(None, 3).shown() == "–"


def test_no_total_shown_means_primary_suppression_only():
    assert shown([2, 5, 4, 0]) == (["<3", "5", "4", "0"], None)


def test_a_lone_hidden_cell_takes_the_smallest_shown_count_with_it():
    assert shown([2, 5, 4, 0], total=11) == (["<3", "5", "×", "0"], "11")


def test_of_two_equal_smallest_counts_the_first_is_hidden():
    assert shown([1, 4, 4], total=9) == (["<3", "×", "4"], "9")


def test_a_zero_is_never_the_second_hidden_cell():
    assert shown([1, 0, 0, 7], total=8) == (["<3", "0", "0", "×"], "8")


def test_two_hidden_cells_need_no_third():
    assert shown([1, 2, 9], total=12) == (["<3", "<3", "9"], "12")


def test_the_total_is_hidden_when_no_other_cell_can_be():
    # the total counts more than the lines (e.g. a line left out): only the total is left
    assert shown([2, 0, 0], total=6) == (["<3", "0", "0"], "×")
    # a total below the threshold is itself hidden, and then nothing more is needed
    assert shown([2, 0, 0], total=2) == (["<3", "0", "0"], "<3")


def test_a_threshold_of_five():
    assert shown([4, 6, 0, 9], threshold=5, total=19) == (["<5", "×", "0", "9"], "19")
    assert shown([4, 3, 0, 9], threshold=5, total=16) == (["<5", "<5", "0", "9"], "16")
    assert primary(5, 5).shown() == "5"


def test_a_decimal_is_rounded_half_up_to_one_decimal_and_a_whole_number_has_none():
    from django.utils import translation

    with translation.override("sv"):
        assert [Cell(v).shown() for v in (6.75, 13.875, 4.0, 90.5)] == [
            "6,8", "13,9", "4", "90,5",
        ]  # fmt: skip


@given(
    values=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12),
    threshold=st.integers(min_value=2, max_value=6),
)
def test_no_hidden_count_can_be_worked_out_from_the_shown_ones_and_the_total(values, threshold):
    cells, total = protect(values, threshold, sum(values))
    for value, cell in zip(values, cells, strict=True):
        assert cell.value == value
        if 0 < value < threshold:
            assert cell.hidden  # primary
        if value == 0:
            assert not cell.hidden  # nobody can be recognised in a zero
    if total.hidden:
        return  # nothing to subtract from
    hidden = [c.value for c in cells if c.hidden]
    rest = total.value - sum(c.value for c in cells if not c.hidden)
    assert len(hidden) != 1  # one hidden cell would be the total minus the shown ones
    assert rest == sum(hidden)
    if hidden:
        # at least two hidden counts share the rest: more than one split of it fits
        assert len(hidden) >= 2 and rest >= 2


@given(
    values=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12),
    threshold=st.integers(min_value=2, max_value=6),
)
def test_without_a_total_only_the_small_counts_are_hidden(values, threshold):
    cells, total = protect(values, threshold)
    assert total is None
    assert [c.hidden for c in cells] == [0 < v < threshold for v in values]
