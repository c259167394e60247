"""jieba, the Chinese word segmenter, loaded once per process: its dictionary takes about a
second, so it is loaded lazily (or warmed at start, off the event loop) and shared."""

from __future__ import annotations

import functools
import logging
import warnings
from types import ModuleType


@functools.cache
def jieba() -> ModuleType:
    """The jieba module with its dictionary, part-of-speech and TF-IDF tables loaded."""
    with warnings.catch_warnings():  # its import may warn; pytest turns warnings into errors
        warnings.simplefilter("ignore")
        import jieba as module
        import jieba.analyse
        import jieba.posseg

        module.setLogLevel(logging.WARNING)
        module.initialize()
    loaded: ModuleType = module
    return loaded
