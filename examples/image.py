"""The seed story: a web shop kept about a million of these per server process.

``Image`` is built by ``@autoslots``: its ``__slots__`` are read from ``__init__`` *and* from
the ``_setup()`` helper that ``__init__`` calls.  ``PlainImage`` is the same class without the
decorator, for ``python -m autoslots explain examples/image.py:PlainImage`` (what autoslots
would do).
"""

from __future__ import annotations

from autoslots import autoslots


@autoslots
class Image:
    def __init__(self, id: int, caption: str, url: str) -> None:
        self.id = id
        self.caption = caption
        self.url = url
        self._setup()

    def _setup(self) -> None:
        self.width, self.height = 0, 0
        self.thumbnail = self.url + "?size=thumb"


class PlainImage:
    def __init__(self, id: int, caption: str, url: str) -> None:
        self.id = id
        self.caption = caption
        self.url = url
        self._setup()

    def _setup(self) -> None:
        self.width, self.height = 0, 0
        self.thumbnail = self.url + "?size=thumb"
