"""The import hook in enforce mode: ``autoslots.hook.install(packages=[...])``."""

from __future__ import annotations

import importlib
import itertools
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from autoslots import AutoSlotsWarning, explain, hook

_names = itertools.count()

PACKAGE = {
    "__init__.py": """
        from dataclasses import dataclass, field
        import enum

        REGISTRY = []

        def register(cls):
            REGISTRY.append(cls)
            return cls

        class Point:
            def __init__(self, x, y):
                self.x = x
                self.y = y

        ORIGIN = Point(0, 0)

        class Point3(Point):
            def __init__(self, x, y, z):
                super().__init__(x, y)
                self.z = z

        class Bag:
            def __init__(self, **kw):
                for name, value in kw.items():
                    setattr(self, name, value)

        @register
        @dataclass
        class Item:
            name: str
            tags: list = field(default_factory=list)
            count: int = 1

        @dataclass
        @register
        class Registered:
            a: int

        class ByHand:
            __slots__ = ("a",)

            def __init__(self):
                self.a = 1

        class Color(enum.Enum):
            RED = 1

        class Outer:
            class Inner:
                def __init__(self):
                    self.v = 1

        def make():
            class Local:
                def __init__(self):
                    self.q = 1
            return Local()
        """,
    "sub/__init__.py": "",
    "sub/parts.py": """
        class Sized:
            def __init__(self):
                self.size = 0

        class Named:
            def __init__(self):
                self.name = ""
        """,
    "sub/both.py": """
        from . import parts

        class Both(parts.Sized, parts.Named):   # both bases would carry slots
            def __init__(self):
                parts.Sized.__init__(self)
                parts.Named.__init__(self)
                self.extra = 1
        """,
    "sub/mod.py": """
        class Deep:
            def __init__(self):
                self.d = 1
        """,
}


def write_package(root: Path, name: str, files: Dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Write a package under tmp_path with a unique name; clean up modules and the hook."""
    created: List[str] = []
    sys.path.insert(0, str(tmp_path))

    def make(files: Dict[str, str] = PACKAGE) -> str:
        name = f"autoslots_hooktest_{next(_names)}"
        write_package(tmp_path, name, files)
        created.append(name)
        importlib.invalidate_caches()
        return name

    yield make
    hook.uninstall()
    sys.path.remove(str(tmp_path))
    for module in list(sys.modules):
        if any(module == n or module.startswith(n + ".") for n in created):
            del sys.modules[module]


def test_classes_get_slots(make_package: Callable[..., str]) -> None:
    name = make_package()
    installed = hook.install([name])
    pkg: Any = importlib.import_module(name)
    assert pkg.Point.__slots__ == ("x", "y", "__weakref__")
    assert not hasattr(pkg.Point(1, 2), "__dict__")
    assert explain(pkg.Point).autoslotted
    assert pkg.Point3.__slots__ == ("z",)
    assert pkg.Point3(1, 2, 3).z == 3
    assert pkg.Outer.Inner.__slots__ == ("v", "__weakref__")
    assert type(pkg.make()).__slots__ == ("q", "__weakref__")
    with pytest.raises(AttributeError):
        pkg.Point(1, 2).extra = 1
    statuses = {r.qualname: r.status for r in installed.results}
    assert statuses["Point"] == "slotted"
    assert statuses["Outer.Inner"] == "slotted"


def test_objects_made_while_the_module_runs_use_the_final_class(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    hook.install([name])
    pkg: Any = importlib.import_module(name)
    assert type(pkg.ORIGIN) is pkg.Point
    assert pkg.Point3.__mro__[1] is pkg.Point


def test_a_class_with_dynamic_setattr_keeps_its_dict_without_warning(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        installed = hook.install([name])
        pkg: Any = importlib.import_module(name)
    assert not [w for w in caught if issubclass(w.category, AutoSlotsWarning)]
    bag = pkg.Bag(a=1, b=2)
    assert (bag.a, bag.b) == (1, 2)
    assert bag.__dict__ == {"a": 1, "b": 2}
    result = next(r for r in installed.results if r.qualname == "Bag")
    assert result.status == "kept_dict"
    assert result.warnings and "setattr" in result.warnings[0]


def test_refused_classes_are_left_as_they_are(make_package: Callable[..., str]) -> None:
    name = make_package()
    installed = hook.install([name])
    pkg: Any = importlib.import_module(name)
    assert pkg.Color.RED.value == 1
    assert "__slots__" not in pkg.Color.__dict__ or pkg.Color.__slots__ == ()
    result = next(r for r in installed.results if r.qualname == "Color")
    assert result.status == "refused"
    assert "Enum" in result.message


def test_classes_slotted_by_hand_are_left_as_they_are(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    installed = hook.install([name])
    pkg: Any = importlib.import_module(name)
    assert pkg.ByHand.__slots__ == ("a",)
    assert "__autoslots__" not in pkg.ByHand.__dict__
    result = next(r for r in installed.results if r.qualname == "ByHand")
    assert result.status == "declared"


def test_dataclass_decorators_run_before_autoslots_others_after(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    hook.install([name])
    pkg: Any = importlib.import_module(name)
    item = pkg.Item("a")
    assert (item.name, item.tags, item.count) == ("a", [], 1)
    assert not hasattr(item, "__dict__")
    assert pkg.Item("b", count=3).count == 3
    # a registering decorator above @dataclass sees the final class; one below it
    # runs before @dataclass, so before autoslots (documented in docs/audit.md)
    assert pkg.REGISTRY[0] is pkg.Item
    assert pkg.REGISTRY[1].__name__ == "Registered"
    assert pkg.Registered(5).a == 5


def test_subpackages_are_covered_other_packages_are_not(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    other = make_package({"__init__.py": "class Plain:\n    def __init__(self):\n"
                                         "        self.p = 1\n"})
    hook.install([name])
    deep: Any = importlib.import_module(f"{name}.sub.mod")
    plain: Any = importlib.import_module(other)
    assert deep.Deep.__slots__ == ("d", "__weakref__")
    assert "__slots__" not in plain.Plain.__dict__


def test_later_bases_of_a_class_with_several_bases_are_left_as_they_are(
    make_package: Callable[..., str],
) -> None:
    name = make_package()
    installed = hook.install([name])
    both: Any = importlib.import_module(f"{name}.sub.both")
    parts: Any = importlib.import_module(f"{name}.sub.parts")
    obj = both.Both()
    assert (obj.size, obj.name, obj.extra) == (0, "", 1)
    assert parts.Sized.__slots__ == ("size", "__weakref__")
    assert "__slots__" not in parts.Named.__dict__
    result = next(r for r in installed.results if r.qualname == "Named")
    assert result.status == "multi_base"
    assert "both.py:4" in result.message


def test_a_package_name_prefix_is_not_a_match(make_package: Callable[..., str]) -> None:
    name = make_package()
    installed = hook.install([name[:-1]])
    assert not installed.covers(name) or name[:-1] == name
    assert installed.covers(name[:-1] + ".x")


def test_transformed_code_is_not_cached(make_package: Callable[..., str], tmp_path: Path) -> None:
    name = make_package()
    hook.install([name])
    importlib.import_module(name)
    assert not (tmp_path / name / "__pycache__").exists()


def test_uninstall_is_clean(make_package: Callable[..., str]) -> None:
    name = make_package()
    later = make_package({"__init__.py": "class Later:\n    def __init__(self):\n"
                                         "        self.l = 1\n"})
    before = list(sys.meta_path)
    hook.install([name, later])
    pkg: Any = importlib.import_module(name)
    assert len(sys.meta_path) == len(before) + 1
    hook.uninstall()
    assert sys.meta_path == before
    assert hook.active() is None
    plain: Any = importlib.import_module(later)
    assert "__slots__" not in plain.Later.__dict__
    # a class statement in a hooked module that runs after uninstall makes a plain class
    assert "__slots__" not in type(pkg.make()).__dict__
    hook.uninstall()  # twice is fine


def test_install_checks_its_arguments() -> None:
    with pytest.raises(ValueError):
        hook.install([])
    with pytest.raises(ValueError):
        hook.install(["x"], mode="fast")
    assert hook.active() is None


def test_install_again_replaces_the_hook(make_package: Callable[..., str]) -> None:
    first = hook.install(["a_package"])
    second = hook.install(["b_package"])
    assert hook.active() is second
    assert not first.active
    hook.uninstall()
