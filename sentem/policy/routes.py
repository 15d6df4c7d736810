"""Policy pages: the version in force, the list of versions, one old version with its diff."""
from flask import abort, render_template

from ..i18n import current_lang
from ..privacy import policy_versions
from . import bp, diff, view


@bp.get("/privacy")
def privacy():
    version = policy_versions.current_version()
    content = version.content if version else policy_versions.snapshot()
    return render_template("policy/privacy.html", version=version, upcoming=policy_versions.upcoming(),
                           p=view.build(content, current_lang()))


@bp.get("/privacy/versions")
def versions():
    current = policy_versions.current_version()
    return render_template("policy/versions.html", versions=policy_versions.all_versions(), current=current,
                           base="/privacy")


@bp.get("/privacy/versions/<int:version_id>")
def version(version_id: int):
    found = policy_versions.db.session.get(policy_versions.PolicyVersion, version_id)
    if found is None or not found.is_published or found.document != policy_versions.PRIVACY:
        abort(404)
    previous = policy_versions.previous_of(found)
    changes = diff.between(previous.content if previous else None, found.content)
    return render_template("policy/version.html", version=found, previous=previous, changes=changes, base="/privacy",
                           current=policy_versions.current_version(), p=view.build(found.content, current_lang()))
