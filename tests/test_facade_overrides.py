"""A student's subclass that overrides the course's methods trains and
evaluates through them, as the course's loop would (DGS -> update_mini_batch
-> backprop, evaluer -> forward), with a one-time note that this path is the
slow one; never silently the compiled path."""

import contextlib
import io
import random
import warnings

import numpy as np
import pytest
from support import course_data, snapshot

from fastnet import Network, Reseau, _training, network2

SIZES = [6, 5, 3]


def quiet(fn, *args, **kw):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fn(*args, **kw)
    return result, out.getvalue()


def trained(cls, data, epochs=2, batch=4, eta=2.0, test=None, **kw):
    np.random.seed(0)
    random.seed(1)
    net = cls(SIZES)
    train = net.DGS if isinstance(net, Reseau) else net.SGD
    args = (list(data), epochs, batch, eta)
    if isinstance(net, network2.Network):
        _, text = quiet(
            train, *args, evaluation_data=test, monitor_evaluation_accuracy=test is not None, **kw
        )
    else:
        _, text = quiet(train, *args, test_data=test, **kw)
    return net, text


class CountingBackprop(Reseau):
    calls = 0

    def backprop(self, x, y):
        type(self).calls += 1
        return super().backprop(x, y)


class CountingUpdate(Reseau):
    calls = []

    def update_mini_batch(self, mini_batch, eta):
        type(self).calls.append(len(mini_batch))
        super().update_mini_batch(mini_batch, eta)


class FrozenBackprop(Reseau):
    def backprop(self, x, y):  # a student's bug: no gradient at all
        return [np.zeros(b.shape) for b in self.biais], [np.zeros(w.shape) for w in self.poids]


class AlwaysTwo(Reseau):
    def forward(self, x):
        out = np.zeros((SIZES[-1], 1))
        out[2] = 1.0
        return out


def test_an_own_backprop_is_called_per_example_and_trains_like_the_course():
    data, test = course_data(14, SIZES[0], SIZES[-1])
    CountingBackprop.calls = 0
    mine, text = trained(CountingBackprop, data, epochs=3, test=test)
    assert CountingBackprop.calls == 14 * 3
    fast, fast_text = trained(Reseau, data, epochs=3, test=test)
    assert text == fast_text
    np.testing.assert_allclose(snapshot(mine), snapshot(fast), rtol=0, atol=1e-12)


def test_an_own_update_mini_batch_is_called_per_mini_batch():
    data, _ = course_data(14, SIZES[0], SIZES[-1])
    CountingUpdate.calls = []
    items = list(data)
    np.random.seed(0)
    random.seed(1)
    mine = CountingUpdate(SIZES)
    quiet(mine.DGS, items, 2, 4, 2.0)
    assert CountingUpdate.calls == [4, 4, 4, 2] * 2
    fast, _ = trained(Reseau, data)
    np.testing.assert_allclose(snapshot(mine), snapshot(fast), rtol=0, atol=1e-12)
    # the caller's list is shuffled in place as the course does
    random.seed(1)
    course = list(data)
    for _ in range(2):
        random.shuffle(course)
    assert [id(p) for p in items] == [id(p) for p in course]


def test_a_changed_behaviour_is_what_trains():
    data, _ = course_data(14, SIZES[0], SIZES[-1])
    np.random.seed(0)
    net = FrozenBackprop(SIZES)
    before = snapshot(net)
    quiet(net.DGS, list(data), 2, 4, 2.0)
    np.testing.assert_array_equal(snapshot(net), before)  # its zero gradient, honoured
    quiet(net.update_mini_batch, list(data)[:4], 2.0)
    np.testing.assert_array_equal(snapshot(net), before)


def test_an_own_forward_is_what_evaluer_and_dgs_count():
    data, test = course_data(20, SIZES[0], SIZES[-1])
    twos = sum(int(y == 2) for _, y in test)
    np.random.seed(0)
    assert Reseau(SIZES).evaluer(test) != twos  # the compiled count would differ
    np.random.seed(0)
    net = AlwaysTwo(SIZES)
    assert net.evaluer(test) == twos
    X = np.stack([x.ravel() for x, _ in test])
    assert net.evaluer((X, np.array([y for _, y in test]))) == twos
    history, text = quiet(net.DGS, list(data), 2, 4, 2.0, test_data=test)
    assert text == f"Époque 0: {twos} / 20\nÉpoque 1: {twos} / 20\n"
    assert history["precision"] == [twos / 20] * 2


def test_the_slow_path_is_noted_once_per_class():
    data, _ = course_data(8, SIZES[0], SIZES[-1])

    class Mine(Reseau):
        def backprop(self, x, y):
            return super().backprop(x, y)

    net = Mine(SIZES)
    with pytest.warns(
        UserWarning,
        match=r"^Mine overrides backprop: DGS trains through them, "
        r"one mini-batch at a time in Python",
    ):
        quiet_out = io.StringIO()
        with contextlib.redirect_stdout(quiet_out):
            net.DGS(list(data), 1, 4, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with contextlib.redirect_stdout(quiet_out):
            net.DGS(list(data), 1, 4, 2.0)  # no second note


def test_momentum_with_own_methods_is_refused_before_anything_changes():
    data, _ = course_data(8, SIZES[0], SIZES[-1])
    np.random.seed(0)
    net = CountingUpdate(SIZES)
    before, state = snapshot(net), random.getstate()
    with pytest.raises(
        ValueError,
        match=r"^mu: momentum is not available with "
        r"CountingUpdate's own update_mini_batch",
    ):
        quiet(net.DGS, list(data), 1, 4, 2.0, mu=0.5)
    np.testing.assert_array_equal(snapshot(net), before)
    assert random.getstate() == state


def test_ctrl_c_in_an_own_update_keeps_the_last_whole_epoch():
    data, _ = course_data(14, SIZES[0], SIZES[-1])
    expected, _ = trained(Reseau, data, epochs=1)

    class Interrupted(Reseau):
        calls = 0

        def update_mini_batch(self, mini_batch, eta):
            Interrupted.calls += 1
            if Interrupted.calls == 6:  # second mini-batch of epoch 1
                raise KeyboardInterrupt
            super().update_mini_batch(mini_batch, eta)

    np.random.seed(0)
    random.seed(1)
    net = Interrupted(SIZES)
    with pytest.raises(KeyboardInterrupt):
        quiet(net.DGS, list(data), 3, 4, 2.0)
    np.testing.assert_array_equal(snapshot(net), snapshot(expected))
    np.testing.assert_array_equal(net.poids[0], expected.poids[0])


def test_a_huge_eta_through_own_methods_is_divergence():
    from fastnet import DivergenceError

    data, _ = course_data(14, SIZES[0], SIZES[-1])
    np.random.seed(0)
    net = CountingBackprop(SIZES)
    before = snapshot(net)
    with pytest.raises(DivergenceError, match=r"^Époque 0: training diverged \(weights grew"):
        quiet(net.DGS, list(data), 2, 4, 1e300)
    np.testing.assert_array_equal(snapshot(net), before)


class BookCounting(Network):
    calls = 0

    def backprop(self, x, y):
        BookCounting.calls += 1
        return super().backprop(x, y)

    def feedforward(self, a):
        out = np.zeros((SIZES[-1], 1))
        out[0] = 1.0
        return out


class Book2Counting(network2.Network):
    calls = []

    def update_mini_batch(self, mini_batch, eta, lmbda, n):
        Book2Counting.calls.append((len(mini_batch), lmbda, n))
        super().update_mini_batch(mini_batch, eta, lmbda, n)

    def feedforward(self, a):
        out = np.zeros((SIZES[-1], 1))
        out[0] = 1.0
        return out


def test_networks_of_the_book_honour_their_overrides_too():
    data, test = course_data(14, SIZES[0], SIZES[-1])
    zeros = sum(int(y == 0) for _, y in test)
    BookCounting.calls = 0
    mine, text = trained(BookCounting, data, test=test)
    assert BookCounting.calls == 14 * 2
    assert text == f"Epoch 0: {zeros} / 14\nEpoch 1: {zeros} / 14\n"
    fast, _ = trained(Network, data)
    np.testing.assert_allclose(snapshot(mine), snapshot(fast), rtol=0, atol=1e-12)
    Book2Counting.calls = []
    mine2, text2 = trained(Book2Counting, data, test=test, lmbda=0.5)
    assert Book2Counting.calls == [(4, 0.5, 14), (4, 0.5, 14), (4, 0.5, 14), (2, 0.5, 14)] * 2
    assert f"Accuracy on evaluation data: {zeros} / 14" in text2
    fast2, _ = trained(network2.Network, data, test=test, lmbda=0.5)
    np.testing.assert_allclose(snapshot(mine2), snapshot(fast2), rtol=0, atol=1e-12)
    assert mine2.accuracy(test) == zeros


def test_overrides_are_found_through_the_class_not_the_instance():
    net = Reseau(SIZES)
    assert _training.overridden(net, ["backprop", "forward"]) == []
    assert _training.overridden(CountingBackprop(SIZES), ["backprop", "forward"]) == ["backprop"]


class Halved(Reseau):
    """Outputs halved: a cost computed without it would differ."""

    def forward(self, x):
        return 0.5 * super().forward(x)


class Halved2(network2.Network):
    def feedforward(self, a):
        return 0.5 * super().feedforward(a)


def test_the_cost_goes_through_an_own_forward_as_in_the_course():
    from fastnet.reference import cout_exemple

    data, _ = course_data(10, SIZES[0], SIZES[-1])
    for cout in ("quadratique", "entropie_croisee"):
        np.random.seed(0)
        net = Halved(SIZES, cout=cout)
        course = sum(cout_exemple(cout, net.forward(x), y) for x, y in data) / len(data)
        squares = sum(float(np.sum(w**2)) for w in net.poids)
        assert net.cout_total(data) == pytest.approx(course, rel=1e-12)
        assert net.cout_total(data, lmbda=2.0) == pytest.approx(
            course + 0.5 * (2.0 / len(data)) * squares, rel=1e-12
        )
        np.random.seed(0)
        assert Reseau(SIZES, cout=cout).cout_total(data) != pytest.approx(course)
        history, _ = quiet(net.DGS, list(data), 1, 5, 0.0001, suivre_cout=True)
        after = sum(cout_exemple(cout, net.forward(x), y) for x, y in data) / len(data)
        assert history["cout"] == [pytest.approx(after, rel=1e-12)]
    np.random.seed(0)
    net2 = Halved2(SIZES)
    book = sum(network2.CrossEntropyCost.fn(net2.feedforward(x), y) for x, y in data)
    assert net2.total_cost(data, 0.0) == pytest.approx(book / len(data), rel=1e-12)
