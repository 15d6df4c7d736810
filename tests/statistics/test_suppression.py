"""k = 5 suppression with crafted tables: no cell of 1-4 members is shown or recoverable."""
from sentem.statistics import suppression
from sentem.statistics.suppression import COMPLEMENT, SMALL


def _shown(counts):
    cells, total = suppression.table(counts)
    return {c.label: c.text for c in cells}, total.text


def _recoverable(counts):
    """Cells an outsider can compute: total minus the shown cells, when exactly one is hidden,
    or the sum of all hidden cells when it is below 5."""
    cells, total = suppression.table(counts)
    hidden = [c for c in cells if c.hidden]
    if total.hidden or not hidden:
        return []
    rest = total.value - sum(c.value for c in cells if not c.hidden)
    if len(hidden) == 1 or 0 < rest < suppression.K:
        return [rest]
    return []


def test_small_cells_read_less_than_five_and_zero_is_shown():
    shown, total = _shown([("서울", 120), ("부산", 4), ("대구", 3), ("인천", 0), ("광주", 50)])
    assert shown == {"서울": "120", "부산": SMALL, "대구": SMALL, "인천": "0", "광주": "50"}
    assert total == "177"


def test_a_single_small_cell_gets_a_complementary_partner():
    counts = [("20대", 40), ("30대", 4), ("40대", 9), ("50대", 12)]
    shown, total = _shown(counts)
    assert shown["30대"] == SMALL and shown["40대"] == COMPLEMENT  # the smallest other cell
    assert shown["20대"] == "40" and shown["50대"] == "12" and total == "65"
    assert _recoverable(counts) == []


def test_hidden_cells_summing_below_five_take_another_partner():
    counts = [("a", 1), ("b", 2), ("c", 30), ("d", 31)]
    shown, _ = _shown(counts)
    assert shown["a"] == SMALL and shown["b"] == SMALL and shown["c"] == COMPLEMENT and shown["d"] == "31"
    assert _recoverable(counts) == []


def test_a_total_below_five_hides_everything():
    shown, total = _shown([("a", 3), ("b", 1), ("c", 0)])
    assert shown == {"a": SMALL, "b": SMALL, "c": "0"} and total == SMALL


def test_when_nothing_is_left_to_hide_the_total_goes_too():
    shown, total = _shown([("a", 4), ("b", 0)])
    assert shown["a"] == SMALL and total == SMALL


def test_no_crafted_table_leaks_a_small_cell():
    import itertools

    for values in itertools.product((0, 1, 4, 5, 6, 30), repeat=4):
        counts = list(zip("abcd", values))
        cells, total = suppression.table(counts)
        for cell, (_, n) in zip(cells, counts):
            assert not (0 < n < 5 and cell.hidden is None), counts
        assert all(not (0 < r < 5) for r in _recoverable(counts)), counts


def test_audience_sizes_are_hidden_when_a_neighbouring_count_gives_them_away():
    assert suppression.audience(4, [100]).text == SMALL
    assert suppression.audience(97, [100]).text == COMPLEMENT  # 3 people told apart by one filter
    assert suppression.audience(97, [100, 99]).text == COMPLEMENT
    assert suppression.audience(80, [100, 80, 90]).text == "80"
    assert suppression.audience(0, [100]).text == "0"


def test_shares_need_five_on_every_side():
    assert suppression.share("재구매율", 4, 100).hidden == SMALL
    assert suppression.share("재구매율", 97, 100).hidden == SMALL  # 3 bought once
    assert suppression.share("재구매율", 3, 4).hidden == SMALL
    assert suppression.share("재구매율", 25, 100).value == 250  # 25.0 %
