"""Names sort and match the way Norwegian readers expect."""
from __future__ import annotations

from orggraph.collation import fold, sort_key
from orggraph.loader.load import load


def test_norwegian_letters_come_after_z_and_case_does_not_count():
    names = ["Østre Toten", "aure", "Åfjord", "Ærø", "Zeta", "Felles arbeidsgiverpolitikk",
             "Felles AMO", "Évje", None]
    assert sorted(names, key=sort_key) == ["aure", "Évje", "Felles AMO", "Felles arbeidsgiverpolitikk",
                                           "Zeta", "Ærø", "Østre Toten", "Åfjord", None]


def test_fold_ignores_case_and_diacritics():
    assert fold("Bjørn Æsebø") == fold("BJORN AESEBO") == "bjorn aesebo"
    assert fold("Ålesund") == "alesund"


def test_named_queries_sort_in_norwegian_order(engine, tmp_path):
    (tmp_path / "names.yaml").write_text("""source: s
organisations:
  - {id: a, kind: municipality, name: Åfjord}
  - {id: b, kind: municipality, name: Ørland}
  - {id: c, kind: municipality, name: aure}
  - {id: d, kind: municipality, name: Zeta}
  - {id: e, kind: municipality, name: Ærø}
""", encoding="utf-8")
    load(engine, [tmp_path])
    assert [r["name"] for r in engine.query("municipalities")] == ["aure", "Zeta", "Ærø", "Ørland", "Åfjord"]
