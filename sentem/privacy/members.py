"""The privacy core's port to the members: the little it must know about a member.

The consent ledger needs a member's data key and email and whether the member is
still active; the retention engine needs the data key of a member who withdraws;
the self-audit needs a sample of real personal values to look for in plaintext.
The core does not import the member feature for that (the arrows point from the
features down): ``accounts.init_app`` installs a :class:`MembersPort` on the app,
and the core calls the functions below. Without a port they raise — a core that
quietly assumed "no members" would skip a legal duty.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from flask import current_app

EXTENSION = "sentem_members"


@dataclass(frozen=True)
class MemberContact:
    """What the core may know about one member (None from the port: no such member)."""

    data_key_id: int | None
    email: str | None
    active: bool = True


@dataclass(frozen=True)
class MembersPort:
    """Implemented by the member feature.

    ``contact(member_id)``: the member's data key, email and state, or None once the
    row is gone (whatever the status: a withdrawing member still has a data key).
    ``data_key_id(member_id)``: the data key id alone, decrypting nothing (it must work
    after the key was destroyed, e.g. when a restore replays a withdrawal).
    ``active_ids(ids)``: which of ``ids`` are active members, in a few queries.
    ``sample_values(limit)``: decrypted personal values of up to ``limit`` members
    still here, newest first, for the self-audit's plaintext scan.
    ``withdrawn_ids(ids)``: which of ``ids`` withdrew or no longer exist (the monthly
    access-log review flags staff reading them).
    ``profile_values(ids, items)``: {id: {item: decrypted value or None}} for those of
    ``ids`` that are active members, in a few queries per chunk (the statistics job
    reads birth date and address only this way, only for members it may count).
    ``masked_names(ids)``: {id: masked name} of those of ``ids`` still members (not withdrawn,
    key not shredded), in a few queries for the whole list (staff screens name members so).
    """

    contact: Callable[[int], MemberContact | None]
    data_key_id: Callable[[int], int | None]
    active_ids: Callable[[list[int]], set[int]]
    sample_values: Callable[[int], list[str]]
    withdrawn_ids: Callable[[list[int]], set[int]]
    profile_values: Callable[[list[int], tuple[str, ...]], dict[int, dict]] | None = None
    masked_names: Callable[[list[int]], dict[int, str]] | None = None


def install(app, port: MembersPort) -> None:
    """Give ``app``'s privacy core its members (``accounts.init_app`` calls this)."""
    app.extensions[EXTENSION] = port


def port() -> MembersPort:
    """The current app's port; raises when the member feature installed none."""
    installed = current_app.extensions.get(EXTENSION)
    if installed is None:
        raise RuntimeError("the privacy core has no members port: accounts.init_app(app) installs it")
    return installed


def contact(member_id: int) -> MemberContact | None:
    return port().contact(member_id)


def data_key_id(member_id: int) -> int | None:
    """The member's data key id (None once the member row is gone); decrypts nothing."""
    return port().data_key_id(member_id)


def is_active(member_id: int) -> bool:
    found = port().contact(member_id)
    return bool(found and found.active)


def active_ids(member_ids: Iterable[int]) -> set[int]:
    """The subset of ``member_ids`` that are active members."""
    return set(port().active_ids(list(member_ids)))


def withdrawn_ids(member_ids: Iterable[int]) -> set[int]:
    """The subset of ``member_ids`` that withdrew or whose row is gone."""
    return set(port().withdrawn_ids(sorted(set(member_ids))))


def profile_values(member_ids: Iterable[int], items: tuple[str, ...]) -> dict[int, dict]:
    """Decrypted profile ``items`` of the active members among ``member_ids`` (see the port)."""
    fn = port().profile_values
    if fn is None:
        raise RuntimeError("the members port offers no profile_values")
    return fn(sorted(set(member_ids)), tuple(items))


def sample_values(limit: int) -> list[str]:
    return list(port().sample_values(limit))


def masked_names(ids) -> dict[int, str]:
    """{id: name masked by its declaration} for the members among ``ids`` still here."""
    found = port().masked_names
    if found is None:
        raise RuntimeError("the members port does not give masked names")
    return found(list(ids))
