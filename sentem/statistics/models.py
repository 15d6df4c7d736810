"""The statistics tables: aggregates, pseudonymous profiles, and the job's ledger.

No table here holds a member id, a name or a contact (a test walks the schema). The
profiles are keyed by a pseudonym (``pseudonyms``) and hold only coarse derived
values; the pseudonym is the registry item ``stat_pseudonym`` (a keyed one-way hash), the
month in which the age band next changes is the item ``stat_band_recheck``, the band, region
and month beside them are described by the record class ``usage_statistics``; the
aggregates hold counts and sums. Each run of the job (``build``) brings every table up to
date: the profiles are kept between runs (re-keyed to each run's new pseudonym key, so that a
night decrypts only the members whose birth date or address changed), but whoever may no
longer be counted is deleted by the next run, and the aggregates are brought up to date from
the records.
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class StatProfile(db.Model):
    """One countable member, pseudonymised: age band, region (시/도), signup month, last visit."""

    __tablename__ = "stat_profiles"

    pseudonym = db.Column(db.String(32), primary_key=True, info={"personal": "stat_pseudonym"})
    age_band = db.Column(db.String(12), nullable=False)
    # 'YYYY-MM' in which the age band changes next (a 10th birthday); None: never (70+, unknown).
    band_recheck = db.Column(db.String(7), nullable=True, info={"personal": "stat_band_recheck"})
    region = db.Column(db.String(12), nullable=False)
    signup_month = db.Column(db.String(7), nullable=False)
    last_visit_on = db.Column(db.Date, nullable=True)
    orders_count = db.Column(db.Integer, nullable=False, default=0)
    # The categories bought from, as ",3,7," ("": none) — one column, not a row per category: the
    # nightly re-key rewrites every profile, and 1.7 M category rows were most of that work.
    categories = db.Column(db.Text, nullable=False, default="")


class StatSalesDaily(db.Model):
    """Sales of one KST day in one category (all sold order lines: amounts, not members)."""

    __tablename__ = "stat_sales_daily"

    day = db.Column(db.Date, primary_key=True)
    category_id = db.Column(db.Integer, primary_key=True)  # 0: no category
    orders = db.Column(db.Integer, nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    amount = db.Column(db.BigInteger, nullable=False)


class StatVisitsDaily(db.Model):
    """Logins and distinct active members of one KST day, among countable members."""

    __tablename__ = "stat_visits_daily"

    day = db.Column(db.Date, primary_key=True)
    visits = db.Column(db.Integer, nullable=False)
    members = db.Column(db.Integer, nullable=False)


class StatCell(db.Model):
    """A member count of one value of one dimension (age band, region, signup month) or a figure."""

    __tablename__ = "stat_cells"

    dimension = db.Column(db.String(20), primary_key=True)
    value = db.Column(db.String(20), primary_key=True)
    members = db.Column(db.Integer, nullable=False)


class StatRun(db.Model):
    """One run of the statistics job: when, how many counted, how many left out and why."""

    __tablename__ = "stat_runs"

    id = db.Column(db.Integer, primary_key=True)
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = db.Column(UTCDateTime, nullable=True)
    status = db.Column(db.String(12), nullable=False, default="running")  # running | done | failed
    key_id = db.Column(db.Integer, nullable=True)  # the pseudonym key it made (shredded by the next run)
    full = db.Column(db.Boolean, nullable=False, default=False)  # every member's facts and every day recomputed
    counted = db.Column(db.Integer, nullable=False, default=0)
    decrypted = db.Column(db.Integer, nullable=False, default=0)  # profiles read from the encrypted record
    excluded_inactive = db.Column(db.Integer, nullable=False, default=0)  # withdrawn or withdrawing
    excluded_no_consent = db.Column(db.Integer, nullable=False, default=0)  # no marketing consent
    excluded_suspended = db.Column(db.Integer, nullable=False, default=0)  # suspended statistics
    # Counted by the previous run, left out by this one (and why); "gone": row destroyed.
    left_inactive = db.Column(db.Integer, nullable=False, default=0)
    left_no_consent = db.Column(db.Integer, nullable=False, default=0)
    left_suspended = db.Column(db.Integer, nullable=False, default=0)
    left_gone = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.String(300), nullable=True)
    timings = db.Column(db.String(400), nullable=True)  # seconds per step: "classify=3.1 decrypt=0.4 …"


class StatGoneMember(db.Model):
    """A counted member some of whose orders or logins were deleted (retention period) since the
    last run, by pseudonym under the key current then: the next run recomputes their facts and
    deletes the row (``deletions``). Members leaving are never marked: they are not counted."""

    __tablename__ = "stat_gone_members"

    id = db.Column(db.Integer, primary_key=True)
    key_id = db.Column(db.Integer, nullable=False)  # the pseudonym key it was made under
    pseudonym = db.Column(db.String(32), nullable=False, info={"personal": "stat_pseudonym"})


class StatGoneDay(db.Model):
    """A KST day whose paid orders were deleted (retention, withdrawal) since the last run: the next
    run rebuilds its sales and deletes the row (``deletions``)."""

    __tablename__ = "stat_gone_days"

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False)


class StatProductCategory(db.Model):
    """The category of each product as the last run saw it: a product moved to another category
    changes old days' sales and members' categories: the next run recomputes its buyers and the days it sold on."""

    __tablename__ = "stat_product_categories"

    product_id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, nullable=False)  # 0: no category


class StatLease(db.Model):
    """One row: which run is building now (compare-and-set), so two schedulers never build at once."""

    __tablename__ = "stat_lease"

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.Integer, nullable=True)
    until = db.Column(UTCDateTime, nullable=True)
