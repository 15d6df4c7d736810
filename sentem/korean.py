"""Korean particles chosen by the final sound of the word before them (을/를, 이/가, 은/는, 과/와, (으)로).

One helper for every message that puts a particle after a name the code does not
know in advance ("'스테인리스 텀블러'를"). The final sound is read from the last
Hangul syllable's 받침; a trailing digit or Latin letter is read as Koreans say it
(3 → 삼, L → 엘), and closing quotes or brackets are skipped.
"""
from __future__ import annotations

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # 받침 ㄹ: takes 로, not 으로
# Final sounds of digits read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구 (0 = none, 8 = ㄹ).
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# Latin letters whose Korean names end in a consonant: 엘 엠 엔 알 (L takes 로, as ㄹ does).
_LATIN_FINAL = {"l": 8, "m": 16, "n": 4, "r": 8}
_SKIP = "'\"’”」』)]}>.!?… "
PAIRS = {"을/를": ("을", "를"), "이/가": ("이", "가"), "은/는": ("은", "는"), "과/와": ("과", "와"),
         "으로/로": ("으로", "로"), "아/야": ("아", "야")}


def final_sound(word: str) -> int | None:
    """The 받침 index (0 = none, 8 = ㄹ) of ``word``'s last readable character, None when unknown."""
    for ch in reversed(word or ""):
        if ch in _SKIP:
            continue
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            return (code - _HANGUL_FIRST) % 28
        if ch in _DIGIT_FINAL:
            return _DIGIT_FINAL[ch]
        if ch.isascii() and ch.isalpha():
            return _LATIN_FINAL.get(ch.lower(), 0)
        return None
    return None


def particle(word: str, pair: str) -> str:
    """The particle of ``pair`` ("을/를", "이/가", …) that fits after ``word``; both forms when unknown."""
    with_final, without = PAIRS[pair]
    sound = final_sound(word)
    if sound is None:
        return f"{with_final}({without})"
    if pair == "으로/로":
        return without if sound in (0, _RIEUL) else with_final
    return with_final if sound else without


def attach(word: str, pair: str) -> str:
    """``word`` followed by its particle: attach("텀블러", "을/를") → "텀블러를"."""
    return f"{word}{particle(word, pair)}"
