"""taskdedup: find duplicate and overlapping task proposals and propose merges."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("taskdedup")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
