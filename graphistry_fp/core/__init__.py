"""The pure half: plottables, bindings, encodings, tables -> Arrow, compile to ``PlotPlan``,
and the root cells. Nothing here performs I/O; a test proves it in a subprocess.
"""

from .frames import Frame, to_frame
from .plottable import Plottable
from .roots import (
    Interpreter,
    RootCell,
    current_using,
    explicit_roots_exist,
    install_global_root,
    install_renderer,
    resolve,
    using,
)

__all__ = [
    "Frame",
    "Interpreter",
    "Plottable",
    "RootCell",
    "current_using",
    "explicit_roots_exist",
    "install_global_root",
    "install_renderer",
    "resolve",
    "to_frame",
    "using",
]
