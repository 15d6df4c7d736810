"""Replacing the blind-index key: a new key, every live value indexed again, the old key shredded.

``rotate()`` is called by the retention sweep when ``due()``: a member's key was
shredded since the current index key was made, or a rotation was cut off. Steps,
each committed:

1. a new index key becomes current, the old one ``previous`` (``indexkeys.py``): from
   this commit on, new values are indexed under the new key and lookups try both;
2. every indexed field of every model (``personal(..., index=True)``) is indexed again
   from its decrypted value, in keyset batches of ``batch`` rows; each update is a
   compare-and-set on the ciphertext, so a value its owner changed meanwhile is left
   as its writer indexed it (under the new key);
3. rows still carrying an older tag — a writer that took the old key just before step
   1 and committed after its row was passed — are indexed again;
4. the old key is shredded (its bucket re-keyed and its root erased within the
   deadline by ``epochs.after_destruction``, which the sweep runs next), and the
   rotation is over. A row a writer still left behind heals in the next rotation:
   values are indexed from their plaintext, never from the old key.

Cost: one pass over the indexed tables — per row, its data key unwrapped (in bulk,
two key-store queries a batch), each indexed value decrypted and hashed, and an
update where the index changed (``python -m bench keys`` prints it for 1k and 1M).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import and_, bindparam, func, not_, or_, select

from .. import clock
from ..extensions import db
from . import aead, datakeys, indexkeys
from .fields import personal_fields
from .keystore import IndexState, KeyShred

BATCH = 2000  # rows per transaction: bounded memory, short locks on the indexed tables


def indexed_models() -> list[tuple[type, list]]:
    """(model, its personal fields with a blind index), for every mapped model that has one."""
    out = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        found = [f for f in personal_fields(mapper.class_) if f.index_attr]
        if found:
            out.append((mapper.class_, found))
    return out


def ensure_key() -> None:
    """``flask init``: an index key of the key store from the start, so that no index is made
    under the master-derived key (which can never be erased); indexes an installation made
    under it before are all replaced now, and a rotation that was cut off is finished."""
    st = indexkeys.state()
    if st is not None and st.current is not None and st.previous is None:
        db.session.commit()
        return
    if st is not None or any(_has_indexes(model, declared) for model, declared in indexed_models()):
        rotate()
        return
    db.session.add(IndexState(id=1, current=datakeys.create(kind="index", label="index-1"), previous=None,
                              generation=1, rotated_at=clock.now(), member_shreds=_member_shreds()))
    db.session.commit()
    indexkeys.forget()


def retiring_key() -> int | None:
    """The key store's index key a rotation begun now shreds at its end (a cut-off rotation's
    old key, else the current one); None when that is the master-derived key or none yet."""
    st = indexkeys.state()
    if st is None:
        return None
    key = st.previous if st.previous is not None else st.current
    return None if key in (None, indexkeys.LEGACY) else key


def _has_indexes(model, declared) -> bool:
    table = model.__table__
    return db.session.execute(select(table.c.id).where(or_(*[table.c[f.index_attr].is_not(None)
                                                             for f in declared])).limit(1),
                              bind_arguments={"mapper": model}).first() is not None


def due() -> bool:
    """Whether a member was destroyed since the current key was made, or a rotation was cut
    off: durable facts of the key store, so a sweep that failed here is followed up."""
    st = indexkeys.state()
    shreds = _member_shreds()
    db.session.commit()
    if st is None:
        return shreds > 0
    return st.previous is not None or shreds != st.member_shreds


def _member_shreds() -> int:
    return db.session.execute(select(func.count()).select_from(KeyShred).where(KeyShred.kind == "member")).scalar_one()


def rotate(deadline: _dt.datetime | None = None, batch: int = BATCH) -> dict:
    """Steps 1–4 above; returns counts (rows re-indexed, values unreadable, generation)."""
    generation = _begin()
    done = {"generation": generation, "rows": 0, "unreadable": 0}
    for stale_only in (False, True):
        for model, declared in indexed_models():
            rows, unreadable = _reindex(model, declared, batch, stale_only)
            done["rows"] += rows
            done["unreadable"] += unreadable if not stale_only else 0
    _finish(deadline or clock.now() + datakeys.DEADLINE)
    return done


def _begin() -> int:
    st = indexkeys.state(lock=True)
    if st is None:
        st = IndexState(id=1, current=None, previous=None, generation=0)
        db.session.add(st)
        db.session.flush()
    if st.previous is None:  # else a rotation was cut off: finish it with the key it began
        new = datakeys.create(kind="index", label=f"index-{st.generation + 1}")
        st.previous = st.current if st.current is not None else indexkeys.LEGACY
        st.current, st.generation, st.rotated_at = new, st.generation + 1, clock.now()
        st.member_shreds = _member_shreds()
    generation = st.generation
    db.session.commit()
    indexkeys.forget()
    return generation


def _finish(deadline: _dt.datetime) -> None:
    st = indexkeys.state(lock=True)
    if st.previous not in (None, indexkeys.LEGACY):
        datakeys.shred(st.previous, deadline=deadline)
    st.previous = None
    db.session.commit()
    indexkeys.forget()


def _reindex(model, declared: list, batch: int, stale_only: bool) -> tuple[int, int]:
    """Index ``declared`` fields of ``model`` again under the current key; (rows updated, unreadable)."""
    table = model.__table__
    current = indexkeys.live()[0]
    cts = [table.c[f.column_attr] for f in declared]
    idxs = [table.c[f.index_attr] for f in declared]
    query = select(table.c.id, *cts, *idxs).order_by(table.c.id).limit(batch)
    if stale_only:
        query = query.where(or_(*[and_(c.is_not(None), not_(c.startswith(current.tag))) for c in idxs]))
    route = {"mapper": model}
    updated = unreadable = 0
    after = 0
    while True:
        rows = db.session.execute(query.where(table.c.id > after), bind_arguments=route).all()
        if not rows:
            return updated, unreadable
        after = rows[-1][0]
        loaded = datakeys.preload(int(aead.key_id(t)[1:]) for r in rows for t in r[1:1 + len(cts)]
                                  if t and aead.key_id(t).startswith("k"))
        for i, f in enumerate(declared):
            changes = []
            for row in rows:
                token, old = row[1 + i], row[1 + len(cts) + i]
                if token is None:
                    continue
                try:
                    new = f.index_of(datakeys.open_token(token, f.item).decode("utf-8"))
                except aead.DecryptionError:  # its key is gone (a member being destroyed): nothing to find
                    unreadable += 1
                    continue
                if new != old:
                    changes.append({"r_id": row[0], "r_ct": token, "r_new": new})
            if changes:
                stmt = (table.update().where(table.c.id == bindparam("r_id"), cts[i] == bindparam("r_ct"))
                        .values({f.index_attr: bindparam("r_new")}))
                db.session.execute(stmt, changes, bind_arguments=route)
                updated += len(changes)
        datakeys.unload(loaded)
        db.session.commit()
