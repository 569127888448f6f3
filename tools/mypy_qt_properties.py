"""A mypy plugin for one gap in PySide6's stubs: Qt widgets take their properties and signals as
keywords when they are made (``QLabel("Total", objectName="total")``, ``QTimer(timeout=slot)``),
which the stubs do not declare. Each PySide6 class's constructor gets a ``**properties: Any``, so
the rest of every call (positional arguments, their types, the class it returns) is still checked.
Configured as ``plugins`` in pyproject.toml's [tool.mypy]."""

from __future__ import annotations

from typing import Callable

from mypy.nodes import ARG_STAR2
from mypy.plugin import FunctionSigContext, Plugin
from mypy.types import AnyType, FunctionLike, Instance, TypeOfAny, get_proper_type


def _with_properties(ctx: FunctionSigContext) -> FunctionLike:
    sig = ctx.default_signature
    returned = get_proper_type(sig.ret_type)
    if ARG_STAR2 in sig.arg_kinds or not isinstance(returned, Instance):
        return sig
    return sig.copy_modified(arg_types=[*sig.arg_types, AnyType(TypeOfAny.explicit)],
                             arg_kinds=[*sig.arg_kinds, ARG_STAR2],
                             arg_names=[*sig.arg_names, "properties"])


class QtPropertiesPlugin(Plugin):
    def get_function_signature_hook(self, fullname: str
                                    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        if fullname.startswith("PySide6.") and fullname.rsplit(".", 1)[-1][:1] == "Q":
            return _with_properties
        return None


def plugin(version: str) -> type[Plugin]:
    return QtPropertiesPlugin
