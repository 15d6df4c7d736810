"""Terms-of-use pages: the version in force (``/terms``), its versions, one old version with its diff."""
from flask import abort, render_template

from ..i18n import current_lang
from ..privacy import policy_versions
from ..privacy.policy_versions import TERMS
from . import bp, diff, terms


@bp.get("/terms")
def terms_page():
    version = policy_versions.current_version(document=TERMS)
    content = version.content if version else terms.snapshot()
    return render_template("policy/terms.html", version=version, upcoming=policy_versions.upcoming(document=TERMS),
                           t=terms.build(content, current_lang()))


@bp.get("/terms/versions")
def terms_versions():
    return render_template("policy/versions.html", versions=policy_versions.all_versions(document=TERMS),
                           current=policy_versions.current_version(document=TERMS), base="/terms")


@bp.get("/terms/versions/<int:version_id>")
def terms_version(version_id: int):
    found = policy_versions.db.session.get(policy_versions.PolicyVersion, version_id)
    if found is None or not found.is_published or found.document != TERMS:
        abort(404)
    previous = policy_versions.previous_of(found)
    changes = diff.between(previous.content if previous else None, found.content, terms.as_lines)
    return render_template("policy/version.html", version=found, previous=previous, changes=changes, base="/terms",
                           current=policy_versions.current_version(document=TERMS),
                           t=terms.build(found.content, current_lang()))
