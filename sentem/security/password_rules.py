"""Password rules for members and staff (issue 14, part 6), and the staff login-ID rule.

One place for what a chosen password must be: at least ``MIN_LENGTH`` characters, at
most ``MAX_LENGTH``, no control characters, not containing the login ID (case-insensitive),
not one character repeated, and not in the list of the 10,000 most common passwords
(``data/common-passwords.txt``, source and licence in ``data/README.md``).

Ground layer: messages are Korean catalog ids with parameters (``Problem``), so each
caller shows them its own way (a form field, a CLI error) and translates them.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_FILE = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
# Staff login IDs: ASCII letters, digits, ".", "_" and "-" only (no NUL, CR/LF, direction overrides).
STAFF_LOGIN_RE = re.compile(r"[A-Za-z0-9._-]{1,64}", re.ASCII)
STAFF_LOGIN_MESSAGE = "로그인 ID는 1~64자의 영문, 숫자, 마침표(.), 밑줄(_), 하이픈(-)으로 입력해 주세요."


@dataclass(frozen=True)
class Problem:
    """Why a password is refused: a Korean catalog id and its parameters."""

    msgid: str
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The Korean message with its parameters filled in."""
        return self.msgid % self.params if self.params else self.msgid


@functools.cache
def _common() -> frozenset[str]:
    with open(COMMON_FILE, encoding="utf-8") as fh:
        return frozenset(line.strip().casefold() for line in fh if line.strip())


def is_common(password: str) -> bool:
    """Whether the password is on the common-passwords list (compared case-insensitively)."""
    return (password or "").casefold() in _common()


def problem(password: str | None, login_id: str | None = None) -> Problem | None:
    """The first rule ``password`` breaks, or None when it may be used."""
    text = password or ""
    if not text:
        return Problem("비밀번호를 입력해 주세요.")
    if len(text) > MAX_LENGTH:
        return Problem("비밀번호는 %(n)s자 이하로 입력해 주세요.", {"n": MAX_LENGTH})
    if _CONTROL.search(text):
        return Problem("비밀번호에 제어 문자는 사용할 수 없습니다.")
    if len(text) < MIN_LENGTH:
        return Problem("비밀번호는 %(n)s자 이상으로 입력해 주세요.", {"n": MIN_LENGTH})
    if login_id and login_id.casefold() in text.casefold():
        return Problem("비밀번호에 아이디를 포함할 수 없습니다.")
    if len(set(text)) == 1 or is_common(text):
        return Problem("너무 흔하거나 추측하기 쉬운 비밀번호입니다. 다른 비밀번호를 입력해 주세요.")
    return None


def staff_login_ok(login_id: str | None) -> bool:
    """Whether a staff login ID uses only the allowed characters (1–64 of them)."""
    return bool(STAFF_LOGIN_RE.fullmatch(login_id or ""))
