"""Analyzers: one module each, registered by name. Importing this package registers them all."""
from . import attribution, claims, encoder, engagement, headline, manipulation, outlet, propaganda, signals  # noqa: F401  (registration side effect)
from .base import Analyzer, count, get_analyzer, number, positive_count, probability, register, registered, text, unregister

# The option converters are for analyzers written elsewhere too (docs/analyzers.md, "Writing an analyzer").
__all__ = ["Analyzer", "count", "get_analyzer", "number", "positive_count", "probability", "register", "registered",
           "text", "unregister"]
