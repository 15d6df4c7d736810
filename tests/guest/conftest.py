"""Guest-order tests use the orders' Toss sandbox fixtures too."""
from tests.orders.conftest import sandbox, toss  # noqa: F401  (fixtures)
