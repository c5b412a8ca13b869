"""The inference driver: which functions are read, how escapes are followed, what is a reason.

Each test runs with both engines (and the default "auto"), so every driver rule is
checked against both readers of the code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from autoslots._infer import Inference, infer_class

ENGINES = ["auto", "bytecode", "source"]


@pytest.fixture(params=ENGINES)
def infer(request: pytest.FixtureRequest) -> Any:
    def run(cls: type) -> Inference:
        return infer_class(cls, engine=request.param)

    return run


def names(inference: Inference) -> set[str]:
    return set(inference.slots)


def reason_texts(inference: Inference) -> list[str]:
    return [reason.what for reason in inference.reasons]


def module_helper(obj: Any, value: int) -> None:
    obj.from_helper = value


def module_helper_dynamic(obj: Any, name: str) -> None:
    setattr(obj, name, 1)


class Registry:
    def adopt(self, child: Any) -> None:
        child.adopted_by = self


REGISTRY = Registry()


def test_image_helper_called_from_init(infer: Any) -> None:
    class Image:
        def __init__(self, id: int, caption: str, url: str) -> None:
            self.id = id
            self.caption = caption
            self.url = url
            self._setup()

        def _setup(self) -> None:
            self.width, self.height = 0, 0
            self.thumbnail = None

    result = infer(Image)
    assert names(result) == {"id", "caption", "url", "width", "height", "thumbnail"}
    assert result.reasons == []
    setup_sites = result.slots["width"]
    assert setup_sites[0].function.endswith("Image._setup")
    assert setup_sites[0].filename == __file__


def test_module_level_helper_receiving_self_is_followed(infer: Any) -> None:
    class Model:
        def __init__(self) -> None:
            module_helper(self, 3)

    result = infer(Model)
    assert names(result) == {"from_helper"}
    assert result.reasons == []
    assert result.slots["from_helper"][0].function == "module_helper"


def test_helper_with_dynamic_name_is_a_reason(infer: Any) -> None:
    class Model:
        def __init__(self) -> None:
            module_helper_dynamic(self, "x")

    result = infer(Model)
    assert result.reasons, "a dynamic setattr in a followed helper must be a reason"
    assert result.reasons[0].site.function == "module_helper_dynamic"


def test_other_class_method_receiving_self_is_followed(infer: Any) -> None:
    class Child:
        def __init__(self) -> None:
            self.name = "c"
            REGISTRY.adopt(self)

    result = infer(Child)
    assert names(result) == {"name", "adopted_by"}
    assert result.reasons == []


def test_unreadable_callee_is_a_reason(infer: Any) -> None:
    class Node:
        def __init__(self, sink: list[Any]) -> None:
            self.value = 1
            sink_method = sink.append
            sink_method(self)

    result = infer(Node)
    assert names(result) == {"value"}
    assert any("passed to" in text for text in reason_texts(result))


def test_builtin_callee_is_not_a_reason(infer: Any) -> None:
    class Node:
        def __init__(self) -> None:
            self.value = 1
            print(id(self), isinstance(self, Node), repr(self), file=None)

    result = infer(Node)
    assert names(result) == {"value"}
    assert result.reasons == []


def test_explicit_call_of_own_method_through_class_name(infer: Any) -> None:
    class Widget:
        def __init__(self) -> None:
            Widget._setup(self)

        def _setup(self) -> None:
            self.ready = True

    result = infer(Widget)
    assert names(result) == {"ready"}
    assert result.reasons == []


def test_self_method_called_with_self_as_argument(infer: Any) -> None:
    class Widget:
        def __init__(self) -> None:
            self._fill(self)

        @staticmethod
        def _fill(target: Any) -> None:
            target.filled = True

    result = infer(Widget)
    assert names(result) == {"filled"}


def test_property_owns_its_name_and_setter_is_read(infer: Any) -> None:
    class Temperature:
        def __init__(self, c: float) -> None:
            self.celsius = c

        @property
        def celsius(self) -> float:
            return self._c  # type: ignore[no-any-return]

        @celsius.setter
        def celsius(self, value: float) -> None:
            self._c = value

    result = infer(Temperature)
    assert names(result) == {"_c"}
    assert "celsius" in result.descriptors


def test_annotations_without_value_are_slots_classvar_not(infer: Any) -> None:
    class Config:
        name: str
        retries: int = 3
        registry: ClassVar[dict[str, Any]] = {}
        counter: "ClassVar[int]"  # noqa: UP037 -- a string annotation on purpose

    result = infer(Config)
    assert names(result) == {"name"}


def test_classmethod_factory_writes_are_slots(infer: Any) -> None:
    class Point:
        def __init__(self) -> None:
            self.x = 0

        @classmethod
        def origin(cls) -> Any:
            obj = cls()
            obj.label = "origin"
            return obj

    result = infer(Point)
    assert names(result) == {"x", "label"}


def test_new_factory_writes_are_slots(infer: Any) -> None:
    class Token:
        def __new__(cls, text: str) -> Any:
            self = super().__new__(cls)
            self.text = text
            return self

    result = infer(Token)
    assert names(result) == {"text"}


def test_wrapped_method_is_read_through_wraps(infer: Any) -> None:
    def logged(func: Any) -> Any:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        return wrapper

    class Service:
        @logged
        def start(self) -> None:
            self.started = True

    result = infer(Service)
    assert names(result) == {"started"}
    assert result.reasons == []


def test_wrapped_method_without_wraps_is_read_through_closure(infer: Any) -> None:
    def logged(func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        return wrapper

    class Service:
        @logged
        def start(self) -> None:
            self.started = True

    result = infer(Service)
    assert names(result) == {"started"}


def test_wrapper_with_explicit_self_follows_closure(infer: Any) -> None:
    def traced(func: Any) -> Any:
        def wrapper(self: Any, *args: Any) -> Any:
            self.calls = getattr(self, "calls", 0) + 1
            return func(self, *args)

        return wrapper

    class Service:
        @traced
        def stop(self) -> None:
            self.stopped = True

    result = infer(Service)
    assert names(result) == {"calls", "stopped"}


def test_cached_property_is_reported(infer: Any) -> None:
    class Lazy:
        def __init__(self) -> None:
            self.base = 2

        @functools.cached_property
        def square(self) -> int:
            self.computed = True
            return self.base**2

    result = infer(Lazy)
    assert result.cached_properties == ["square"]
    assert names(result) == {"base", "computed"}


def test_read_never_set_is_a_note_not_a_reason(infer: Any) -> None:
    class Child:
        def __init__(self) -> None:
            self.value = 1

        def path(self) -> str:
            return self.parent.path() + "/x"  # type: ignore[attr-defined, no-any-return]

    result = infer(Child)
    assert result.reasons == []
    assert any("self.parent" in note.what for note in result.notes)


def test_read_of_class_attribute_or_method_is_fine(infer: Any) -> None:
    class Counter:
        step = 1

        def __init__(self) -> None:
            self.total = 0

        def bump(self) -> None:
            self.total += self.step
            self.helper()

        def helper(self) -> None:
            pass

    result = infer(Counter)
    assert names(result) == {"total"}
    assert result.reasons == []


def test_getattr_hook_silences_read_check(infer: Any) -> None:
    class Proxy:
        def __init__(self, target: Any) -> None:
            self._target = target

        def __getattr__(self, name: str) -> Any:
            return getattr(self._target, name)

        def size(self) -> int:
            return self.length  # type: ignore[no-any-return]

    result = infer(Proxy)
    assert names(result) == {"_target"}
    assert result.reasons == []
    assert result.notes == []


def test_vars_and_dict_are_reasons(infer: Any) -> None:
    class Loose:
        def load(self, data: dict[str, Any]) -> None:
            vars(self).update(data)

    result = infer(Loose)
    assert result.reasons
    assert result.reasons[0].site.function.endswith("Loose.load")


def test_class_assignment_is_a_reason(infer: Any) -> None:
    class Morph:
        def become(self, other: type) -> None:
            self.__class__ = other

    result = infer(Morph)
    assert "__class__" not in names(result)
    assert any("__class__" in text for text in reason_texts(result))


def test_exception_args_is_owned_by_builtin_descriptor(infer: Any) -> None:
    class AppError(Exception):
        def __init__(self, code: int) -> None:
            super().__init__(code)
            self.args = (code,)
            self.code = code

    result = infer(AppError)
    assert names(result) == {"code"}


def test_python_descriptor_storing_in_instance_dict_is_a_reason(infer: Any) -> None:
    class Validated:
        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, obj: Any, owner: Any = None) -> Any:
            return obj.__dict__[self.name]

        def __set__(self, obj: Any, value: Any) -> None:
            obj.__dict__[self.name] = value

    class Form:
        field = Validated()

        def __init__(self) -> None:
            self.field = 1

    result = infer(Form)
    assert "field" not in names(result)
    assert result.reasons


def test_dataclass_fields_are_slots(request: pytest.FixtureRequest, infer: Any) -> None:
    @dataclass
    class Row:
        key: str
        size: int = 0

    result = infer(Row)
    if request.node.callspec.params["infer"] == "source":
        # The generated __init__ has no source: the source engine alone cannot read it.
        assert any("__init__" in reason.site.function for reason in result.reasons)
    else:
        assert names(result) == {"key", "size"}
        assert result.reasons == []


def test_name_mangling_per_class(infer: Any) -> None:
    class Account:
        def __init__(self) -> None:
            self.__secret = 1

    result = infer(Account)
    assert names(result) == {"_Account__secret"}


def test_setattr_passthrough_in_dunder_setattr_is_not_a_reason(infer: Any) -> None:
    class Audited:
        def __init__(self) -> None:
            self.value = 1

        def __setattr__(self, name: str, value: Any) -> None:
            super().__setattr__(name, value)

    result = infer(Audited)
    assert names(result) == {"value"}
    assert result.reasons == []


def test_static_helper_reached_through_type_of_self(infer: Any) -> None:
    class Widget:
        def __init__(self) -> None:
            type(self)._fill(self)

        @staticmethod
        def _fill(target: Any) -> None:
            target.filled = True

    result = infer(Widget)
    assert "filled" in names(result)


def test_writes_on_other_instances_are_slots(infer: Any) -> None:
    class TreeNode:
        def __init__(self, value: int) -> None:
            self.value = value
            self.left: Any = None

        def attach(self, child: Any) -> None:
            self.left = child
            self.left.parent = self

    result = infer(TreeNode)
    assert names(result) == {"value", "left", "parent"}


def test_two_methods_sharing_a_wrapper_are_both_read(infer: Any) -> None:
    def logged(func: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            return func(*args)

        return wrapper

    class Service:
        @logged
        def start(self) -> None:
            self.started = True

        @logged
        def stop(self) -> None:
            self.stopped = True

    result = infer(Service)
    assert names(result) == {"started", "stopped"}


def link_nodes(first: Any, second: Any) -> None:
    first.next_node = second
    second.prev_node = first


def test_module_helper_writes_on_other_instances_are_slots(infer: Any) -> None:
    class Chain:
        def __init__(self) -> None:
            self.value = 0

        def append(self, other: Any) -> None:
            link_nodes(self, other)

    result = infer(Chain)
    assert names(result) == {"value", "next_node", "prev_node"}


def test_other_class_internals_are_not_slots(infer: Any) -> None:
    import contextlib

    class Resource:
        def __init__(self) -> None:
            with contextlib.nullcontext(self) as me:
                me.opened = True

    result = infer(Resource)
    assert names(result) == {"opened"}


# -- which engine reads a method ------------------------------------------------------


class _TwoMethods:
    def __init__(self) -> None:
        self.first = 1

    def later(self) -> None:
        self.second = 2


def test_a_method_the_bytecode_engine_cannot_read_is_read_from_its_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autoslots import _bytecode

    monkeypatch.delitem(_bytecode._TABLE, "STORE_ATTR")  # (an opcode it does not know)
    result = infer_class(_TwoMethods)
    assert names(result) == {"first", "second"} and result.reasons == []
    assert result.engines == {
        "_TwoMethods.__init__": "source",
        "_TwoMethods.later": "source",
    }
    assert [site.lineno for site in result.slots["second"]] == [
        _TwoMethods.later.__code__.co_firstlineno + 1
    ]


def test_a_method_no_engine_can_read_is_a_reason_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autoslots import _bytecode

    namespace: dict[str, Any] = {}
    exec(  # (no source for the source engine)
        "class NoSource:\n"
        "    def __init__(self):\n"
        "        self.kept = 1\n",
        namespace,
    )
    cls = namespace["NoSource"]
    monkeypatch.delitem(_bytecode._TABLE, "STORE_ATTR")
    # (the reason is the last engine's: the source engine's with both)
    for engine, why in (("auto", "no source"), ("bytecode", "STORE_ATTR")):
        result = infer_class(cls, engine=engine)
        assert [reason.site.function for reason in result.reasons] == ["NoSource.__init__"]
        assert why in result.reasons[0].what and result.engines == {}


def test_a_method_reached_twice_is_read_once(infer: Any) -> None:
    class Node:
        def __init__(self) -> None:
            Node.reset(self)  # the method again, reached from __init__

        def reset(self) -> None:
            self.value = 0

    result = infer(Node)
    assert names(result) == {"value"}
    assert len(result.slots["value"]) == 1  # (not once per way in)


def test_a_method_read_first_then_reached_again_is_read_once(infer: Any) -> None:
    class Node:
        def reset(self) -> None:  # (read first, from the class body)
            self.value = 0

        def __init__(self) -> None:
            Node.reset(self)  # the method again, reached from __init__

        again = reset  # and under a second name

    result = infer(Node)
    assert names(result) == {"value"}
    assert len(result.slots["value"]) == 1  # (not once per way in)
