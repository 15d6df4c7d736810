"""상품정보제공고시: the items a product page must state, per kind of goods.

The Fair Trade Commission's notice (전자상거래 등에서의 상품 등의 정보제공에 관한 고시)
lists, per kind of goods, what a seller must state. A category keeps the labels of
its kind (``Category.notice_fields``); each product fills them in (``Product.notice``).
Staff start a category from one of these presets and may edit the labels.
"""
from __future__ import annotations

_AS = "A/S 책임자와 전화번호"
_MAKER = "제조자(수입품의 경우 수입자를 함께 표기)"

PRESETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kitchen": ("주방용품", ("품명 및 모델명", "재질", "구성품", "크기", "동일모델의 출시년월", _MAKER, "제조국",
                         "수입 기구·용기의 경우 식품위생법에 따른 수입신고 여부", "품질보증기준", _AS)),
    "sports": ("스포츠용품", ("품명 및 모델명", "크기, 중량", "색상", "재질", "제품 구성", "동일모델의 출시년월",
                          _MAKER, "제조국", "상품별 세부 사양", "품질보증기준", _AS)),
    "stationery": ("사무용기기·문구", ("품명 및 모델명", "재질", "크기", "구성품", _MAKER, "제조국", _AS)),
    "other": ("기타 재화", ("품명 및 모델명", "법에 의한 인증·허가 등을 받았음을 확인할 수 있는 경우 그에 대한 사항",
                        "제조국 또는 원산지", "제조자, 수입품의 경우 수입자를 함께 표기", _AS)),
}
MAX_FIELDS = 20
MAX_LABEL = 80
MAX_VALUE = 300
UNSTATED = "상품 상세 설명 참조"


def preset_fields(key: str) -> list[str]:
    """The labels of a preset (empty for an unknown key)."""
    return list(PRESETS[key][1]) if key in PRESETS else []


def parse_labels(text: str) -> list[str]:
    """Labels from a textarea, one per line: blanks and repeats dropped, each trimmed; ValueError when too many."""
    out: list[str] = []
    for line in (text or "").splitlines():
        label = " ".join(line.split())
        if label and label not in out:
            if len(label) > MAX_LABEL:
                raise ValueError(f"고시 항목은 {MAX_LABEL}자 이내로 입력해 주세요: {label[:20]}…")
            out.append(label)
    if len(out) > MAX_FIELDS:
        raise ValueError(f"고시 항목은 {MAX_FIELDS}개까지 둘 수 있습니다.")
    return out


def rows(category, product) -> list[tuple[str, str]]:
    """(label, value) for the product page's table: the category's labels in order, blanks explained."""
    labels = list(category.notice_fields or []) if category is not None else preset_fields("other")
    values = product.notice or {}
    return [(label, values.get(label) or UNSTATED) for label in labels]
