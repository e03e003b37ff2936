"""Analyzers: one module each, registered by name. Importing this package registers them all."""
from . import attribution, claims, encoder, engagement, headline, manipulation, outlet, propaganda, signals  # noqa: F401  (registration side effect)
from .base import Analyzer, get_analyzer, register, registered

__all__ = ["Analyzer", "get_analyzer", "register", "registered"]
