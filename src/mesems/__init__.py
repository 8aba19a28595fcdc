"""mesems: a randomised clinical trial from protocol to published analysis."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mesems")
except PackageNotFoundError:
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
