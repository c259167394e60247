"""The directory of responsible units and reading a unit's name as written in minutes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.errors import InvalidInput, InvalidState
from facilitation.units import (
    Match,
    Unit,
    UnitDirectory,
    UnitLevel,
    UnitMapping,
    map_name,
    new_unit,
    resolve_unit,
    unit_key,
    unknown_name,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def units() -> tuple[Unit, ...]:
    housing = Unit("县住房和城乡建设局", UnitLevel.COUNTY, ("县住建局",), (1001,), id=1)
    office = Unit("县人民政府办公室", UnitLevel.COUNTY, ("县政府办",), id=2)
    market = Unit("县市场监督管理局", UnitLevel.COUNTY, ("县市场监管局",), id=3)
    town_build = Unit("枫林镇城建办公室", UnitLevel.TOWN, ("镇城建办",), id=4)
    power = Unit("国网岑州供电公司", UnitLevel.COMPANY, id=5)
    village = Unit("老街社区居民委员会", UnitLevel.VILLAGE, ("老街社区",), id=6)
    return housing, office, market, town_build, power, village


DIRECTORY = UnitDirectory(units())


@pytest.mark.parametrize(("written", "unit_id", "match"), [
    ("县住房和城乡建设局", 1, Match.NAME),
    ("县住建局", 1, Match.ALIAS),
    ("住建局", 1, Match.NORMALISED),
    ("区住建局", 1, Match.NORMALISED),
    (" 县 住建局 ", 1, Match.NORMALISED),
    ("住房和城乡建设局", 1, Match.NORMALISED),
    ("县人民政府办", 2, Match.NORMALISED),  # 办公室 = 办
    ("县政府办公室", 2, Match.NORMALISED),
    ("政府办", 2, Match.NORMALISED),
    ("市场监管局", 3, Match.NORMALISED),  # 市场 is not 市 + 场
    ("县市场监督管理局", 3, Match.NAME),
    ("枫林镇城建办", 4, Match.NORMALISED),
    ("镇城建办公室", 4, Match.NORMALISED),
    ("国网岑州供电公司", 5, Match.NAME),
    ("老街社区", 6, Match.ALIAS),
    ("老街社区居委会", None, Match.UNKNOWN),  # not guessed from a shorter form
    ("县交通运输局", None, Match.UNKNOWN),
    ("", None, Match.UNKNOWN),
    ("，。", None, Match.UNKNOWN),
])
def test_names_resolve_through_aliases_and_normalisation(written: str, unit_id: int | None,
                                                         match: Match) -> None:
    answer = resolve_unit(written, DIRECTORY)
    assert answer.match == match
    assert (answer.unit.id if answer.unit else None) == unit_id
    assert answer.resolved == (unit_id is not None)
    assert answer.written == written


def test_the_level_prefix_is_kept_where_it_is_a_word() -> None:
    assert unit_key("县住建局") == unit_key("住建局") == "住建局"
    assert unit_key("市场监管局") == "市场监管局"
    assert unit_key("县市场监管局") == "市场监管局"
    assert unit_key("市政府办公室") == "政府办"
    assert unit_key("县委") == "县委"  # too short to lose its level
    assert unit_key("ＡＢＣ局（筹）") == "ABC局(筹)"
    assert unit_key("街道办事处") == "街道办"


def test_two_candidates_are_ambiguous_never_a_guess() -> None:
    county = Unit("县农业农村局", UnitLevel.COUNTY, id=10)
    district = Unit("区农业农村局", UnitLevel.COUNTY, id=11)
    directory = UnitDirectory((county, district))
    answer = resolve_unit("农业农村局", directory)
    assert answer.match == Match.AMBIGUOUS and answer.unit is None
    assert {u.id for u in answer.candidates} == {10, 11}
    # the exact names still resolve
    assert resolve_unit("区农业农村局", directory).unit is district
    # the name is shown to staff with its candidates, mapped once, then remembered
    waiting = unknown_name(answer, session_id=7, item_id=3, at=NOW)
    assert waiting is not None and waiting.candidates == (10, 11) and waiting.key == "农业农村局"
    mapping = map_name("农业农村局", county, by=1, at=NOW, directory=directory)
    remembered = UnitDirectory((county, district), (mapping,))
    again = resolve_unit("农业农村局", remembered)
    assert (again.match, again.unit) == (Match.MAPPING, county)
    assert resolve_unit("县 农业农村局", remembered).unit is county  # mapping read normalised


def test_an_unknown_name_is_recorded_mapped_once_and_remembered() -> None:
    answer = resolve_unit("县交通局", DIRECTORY)
    assert answer.match == Match.UNKNOWN
    waiting = unknown_name(answer, session_id=7, item_id=None, at=NOW)
    assert waiting is not None and waiting.written == "县交通局" and waiting.candidates == ()
    transport = Unit("县交通运输局", UnitLevel.COUNTY, id=12)
    directory = UnitDirectory((*DIRECTORY.units, transport))
    mapping = map_name("县交通局", transport, by=1, at=NOW, directory=directory)
    assert mapping == UnitMapping("县交通局", 12, 1, NOW)
    directory = UnitDirectory(directory.units, (mapping,))
    assert resolve_unit("交通局", directory).unit is transport
    assert unknown_name(resolve_unit("县交通局", directory), session_id=7, item_id=None,
                        at=NOW) is None


def test_a_mapping_to_a_removed_unit_is_ignored() -> None:
    directory = UnitDirectory(DIRECTORY.units, (UnitMapping("县交通局", 99),))
    assert resolve_unit("县交通局", directory).match == Match.UNKNOWN


def test_a_name_that_resolves_is_not_mapped() -> None:
    with pytest.raises(InvalidState) as caught:
        map_name("住建局", units()[4], by=1, at=NOW, directory=DIRECTORY)
    assert caught.value.code == "unit_already_resolved"
    with pytest.raises(InvalidInput) as unsaved:
        map_name("县交通局", Unit("县交通运输局", UnitLevel.COUNTY), by=1, at=NOW,
                 directory=DIRECTORY)
    assert unsaved.value.code == "unit_not_saved"


def test_exact_names_are_taken_once() -> None:
    with pytest.raises(InvalidState) as caught:
        new_unit("县住建局", UnitLevel.COUNTY, existing=DIRECTORY.units)
    assert caught.value.code == "unit_name_taken"
    with pytest.raises(InvalidState):
        new_unit("县建设局", UnitLevel.COUNTY, aliases=["县住房和城乡建设局"],
                 existing=DIRECTORY.units)
    unit = new_unit("  县交通运输局 ", UnitLevel.COUNTY, aliases=["县交通局", "交通局", "县交通局"],
                    existing=DIRECTORY.units)
    assert unit.name == "县交通运输局" and unit.aliases == ("县交通局", "交通局")


def test_names_are_checked() -> None:
    with pytest.raises(InvalidInput) as caught:
        new_unit(" 、", UnitLevel.TOWN)
    assert caught.value.code == "unit_name_empty"
    with pytest.raises(InvalidInput) as long:
        new_unit("局" * 65, UnitLevel.TOWN)
    assert long.value.code == "too_long"


def test_liaisons_are_telegram_user_ids() -> None:
    unit = units()[0]
    unit.add_liaison(1001)
    unit.add_liaison(2002)
    assert unit.liaisons == (1001, 2002)
    unit.remove_liaison(1001)
    assert unit.liaisons == (2002,)
    with pytest.raises(InvalidInput):
        unit.add_liaison(0)


@given(st.text(max_size=20))
def test_resolution_never_guesses(written: str) -> None:
    answer = resolve_unit(written, DIRECTORY)
    assert answer.resolved == (answer.match not in (Match.AMBIGUOUS, Match.UNKNOWN))
    if answer.match == Match.AMBIGUOUS:
        assert len(answer.candidates) >= 2
    if answer.unit is not None:
        assert any(unit_key(n) == unit_key(written) for n in answer.unit.names)
