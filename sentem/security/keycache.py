"""This app context's cache of ready ciphers (``aead.Sealer``): the names it keeps them under,
and forgetting them.

A data key's cipher is kept under the key's id and under its tokens' head (``s2$<key id>``),
and day-bound ciphers are derived from a day key and an owner's key. A key that is shredded,
or was made by a transaction that rolled back, is forgotten with every cipher made from it.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from . import aead, buckets, daykeys

MADE = "sentem_keys_made"  # in the session's info: ids of the keys its open transaction made


def kid_for(data_key_id: int) -> str:
    return f"k{data_key_id}"


def head(kid: str) -> str:
    # The text before the body in the tokens a key writes: the cache's name for its sealer.
    return f"{aead.PREFIX}${kid}"


def keep(cache: dict, sealer: aead.Sealer, *names) -> aead.Sealer:
    # In this context's cache under the head of its tokens (``s2$<key id>``: ``open_token``
    # finds it from the token's own text, with no split), and under ``names`` (a data key id).
    # ``forget`` drops every name that leads to a sealer of a dead key.
    for name in names:
        cache[name] = sealer
    cache[sealer.head] = sealer
    return sealer


def forget(data_key_id: int) -> None:
    """Drop a key from this context's cache, with every day-bound cipher made from it, under
    every name that leads to them (data key id, token head)."""
    cache = buckets._cache()
    kid = kid_for(data_key_id)

    def dead(sealer: aead.Sealer) -> bool:
        if sealer.kid == kid:
            return True
        if not daykeys.is_kid(sealer.kid):
            return False
        day, _, owner = sealer.kid[len(daykeys.PREFIX):].partition(".")
        return day == str(data_key_id) or owner == kid

    for name in [n for n, v in cache.items() if isinstance(v, aead.Sealer) and dead(v)]:
        del cache[name]
    for name in [c for c, v in cache.items() if isinstance(c, tuple) and c[0] == "day key" and v == data_key_id]:
        del cache[name]  # the id of a day key by its name (``expiring.key_named``)


def note_made(session, data_key_id: int) -> None:
    """Mark a key as made by ``session``'s open transaction (``datakeys.create``)."""
    session.info.setdefault(MADE, set()).add(data_key_id)


def made(session, data_key_id: int) -> bool:
    """Whether ``session``'s open transaction made this key (it may still roll back)."""
    return data_key_id in session.info.get(MADE, ())


# A key made in a transaction (or savepoint) that rolled back is gone, and SQLite gives its id
# to the next key made: a cipher of it left in this context's cache would seal that key's
# values with a key nobody has. So the keys a transaction made (``MADE``) have their ciphers
# forgotten on any rollback (a savepoint's forgets them all: it costs at most an unwrap again),
# and are "made" no longer once the outermost transaction commits or ends.


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    _forget_made(session)


@event.listens_for(Session, "after_commit")
def _made_are_kept(session):
    if session.get_nested_transaction() is None:  # not a savepoint's release: the keys are in for good
        session.info.pop(MADE, None)


@event.listens_for(Session, "after_transaction_end")
def _made_end_with_their_transaction(session, transaction):
    if transaction.parent is None and not transaction.nested:  # also a close with no rollback call
        _forget_made(session)
        session.info.pop(MADE, None)


def _forget_made(session) -> None:
    ids = session.info.get(MADE)
    if ids and buckets.context_cache() is not None:
        for key_id in ids:
            forget(key_id)
