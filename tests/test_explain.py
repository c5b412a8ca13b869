"""explain(): the report and the data, for autoslotted classes and for what would be built."""

from __future__ import annotations

import enum
import json
import warnings
from typing import Any

import pytest

from autoslots import AutoSlots, AutoSlotsError, autoslots, explain


def test_autoslotted_class_names_each_slot_and_its_function() -> None:
    @autoslots
    class Image:
        def __init__(self, url: str) -> None:
            self.url = url
            self._setup()

        def _setup(self) -> None:
            self.width = 0

    report = explain(Image)
    assert report.autoslotted
    assert report.slot_names == ["url", "width"]
    assert not report.keeps_dict and report.weakref
    text = str(report)
    assert "url" in text and "Image.__init__" in text
    assert "width" in text and "Image._setup" in text
    assert "__dict__: none" in text


def test_plain_class_reports_what_would_be_built() -> None:
    class Loose:
        def __init__(self, **values: Any) -> None:
            self.known = 1
            for name, value in values.items():
                setattr(self, name, value)

    report = explain(Loose)
    assert not report.autoslotted
    assert report.keeps_dict
    assert len(report.reasons) == 1
    reason = report.reasons[0]
    assert reason.site.function.endswith("Loose.__init__")
    assert reason.site.filename == __file__
    assert "non-constant name" in reason.what
    assert "would do" in str(report)


def test_to_dict_is_json_ready() -> None:
    class Point(AutoSlots):
        def __init__(self) -> None:
            self.x = 0

    data = json.loads(json.dumps(explain(Point).to_dict()))
    assert data["class"].endswith(":" + Point.__qualname__)
    assert [slot["name"] for slot in data["slots"]] == ["x"]
    assert data["slots"][0]["sites"][0]["function"].endswith("Point.__init__")
    assert data["keeps_dict"] is False


def test_mixin_attributes_are_slotted_by_subclasses() -> None:
    @autoslots(mixin=True)
    class Timestamped:
        def touch(self, when: int) -> None:
            self.updated = when

    @autoslots
    class User(Timestamped):
        def __init__(self) -> None:
            self.touch(0)

    mixin = explain(Timestamped)
    assert mixin.declared == ()
    assert mixin.slots[0].name == "updated"
    assert "inherit this mixin" in str(mixin)
    user = explain(User)
    assert user.slot_names == ["updated"]
    assert user.slots[0].sites[0].function.endswith("Timestamped.touch")


def test_base_provided_slots_are_named() -> None:
    class Base(AutoSlots):
        def __init__(self) -> None:
            self.name = "b"

    class Child(Base):
        def __init__(self) -> None:
            super().__init__()
            self.name = "c"
            self.age = 1

    report = explain(Child)
    assert report.declared == ("age",)
    provided = {slot.name: slot.provided_by for slot in report.slots}
    assert provided["name"] is not None and provided["name"].endswith("Base")
    assert provided["age"] is None


def test_refused_class_is_reported_not_raised() -> None:
    class Color(enum.Enum):
        RED = 1

    report = explain(Color)
    assert report.error is not None and "Enum" in report.error
    assert "refused" in str(report)


def test_non_class_is_an_error() -> None:
    with pytest.raises(AutoSlotsError, match="takes a class"):
        explain(42)  # type: ignore[arg-type]


def test_notes_for_names_read_but_never_set() -> None:
    class Greeter:
        def greet(self) -> str:
            return "hi " + self.name  # type: ignore[attr-defined, no-any-return]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = explain(Greeter)
    assert not report.reasons
    assert any("self.name" in note.what for note in report.notes)
    assert "notes:" in str(report)


def test_hand_slotted_class_with_weakref_is_not_refused() -> None:
    class Handmade:
        __slots__ = ("__weakref__", "x")

        def __init__(self) -> None:
            self.x = 1

    report = explain(Handmade)
    assert report.error is None
    assert not report.keeps_dict
    assert report.slot_names == ["x"]
