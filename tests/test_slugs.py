"""Link names: short defaults in whole pinyin syllables."""

from __future__ import annotations

from gongkai.slugs import MAX_SLUG, SHORT_SLUG, department_slug, pinyin_words, slugify

LONG = "广州智慧政法2019年建设项目之市域社会治理现代化指挥平台运维与升级改造工程"


def test_department_names_give_short_link_names() -> None:
    assert department_slug("中国共产党玉田县委员会政法委员会") == "yu-tian-xian-wei-zheng-fa-wei"
    assert department_slug("中共鄂州市委政法委员会") == "e-zhou-shi-wei-zheng-fa-wei"
    assert len(department_slug("中国共产党" + "某某自治区某某自治州某某自治县委员会" * 3)) <= SHORT_SLUG


def test_long_names_lose_whole_syllables_only() -> None:
    syllables = set(pinyin_words(LONG))
    for limit in (SHORT_SLUG, MAX_SLUG, 25, 13):
        slug = slugify(LONG, limit)
        assert len(slug) <= limit and slug
        assert set(slug.split("-")) <= syllables, slug
        assert "-".join(pinyin_words(LONG)).startswith(slug + "-")
    assert slugify("见义勇为基金") == "jian-yi-yong-wei-ji-jin"
