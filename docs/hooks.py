"""MkDocs hooks: run executed code blocks from the repository root; publish docs/_static.

Blocks on the site read ``examples/kepri-2024.xlsx`` the way a reader would
type it, so the build runs from the root whatever the caller's directory.
Screenshots live in ``docs/_static/`` (outside the pages folder); they are
served as ``_static/NAME``.

The site is built once per language (mkdocs-static-i18n runs the whole build
again for ``/en/``), and a page that is not translated, or a block whose code
is the same in both translations, would run its code twice. Each python block's
output is therefore kept for the rest of the process, keyed by its code — and,
for a ``session="…"`` block, by the code of the session's earlier blocks on the
page too, so a cached block is only reused after the same steps. When a session
block is not cached but earlier ones were reused, those earlier blocks run first
(quietly) so the session's variables are what the block expects.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "docs" / "_static"

log = logging.getLogger("mkdocs.hooks.tpbis")

_Key = tuple[str, tuple[str, ...], int | None, tuple[tuple[str, str], ...]]
_outputs: dict[_Key, str] = {}
_chains: dict[str, list[str]] = {}  # session -> the codes of its blocks so far on this page
_skipped: dict[str, list[tuple[str, dict[str, Any]]]] = {}  # session -> reused blocks not yet run
_stats = {"ran": 0, "reused": 0, "seconds": 0.0}


def _caching(run: Callable[..., str]) -> Callable[..., str]:
    """Wrap markdown-exec's python runner with the output cache described above."""

    def cached_run(code: str, returncode: int | None = None, session: str | None = None,
                   id: str | None = None, **extra: str) -> str:  # `id`: markdown-exec's keyword
        chain = (code,)
        if session:
            _chains.setdefault(session, []).append(code)
            chain = tuple(_chains[session])
        key: _Key = (session or "", chain, returncode, tuple(sorted(extra.items())))
        kwargs: dict[str, Any] = {"returncode": returncode, "session": session, "id": id, **extra}
        if key in _outputs:
            _stats["reused"] += 1
            if session:
                _skipped.setdefault(session, []).append((code, kwargs))
            return _outputs[key]
        started = time.perf_counter()
        for earlier, earlier_kwargs in _skipped.pop(session or "", []) if session else []:
            run(earlier, **earlier_kwargs)
        output = run(code, **kwargs)
        _stats["ran"] += 1
        _stats["seconds"] += time.perf_counter() - started
        _outputs[key] = output
        return output

    cached_run.__wrapped__ = run  # type: ignore[attr-defined]
    return cached_run


def _install_cache() -> None:
    """Route markdown-exec's python blocks through the cache (once; harmless if its internals moved)."""
    try:
        from markdown_exec._internal.formatters import python as exec_python
    except ImportError:  # another markdown-exec layout: blocks simply run in each language
        log.info("markdown-exec internals not found; code blocks run once per language")
        return
    run = getattr(exec_python, "_run_python", None)
    if run is not None and not hasattr(run, "__wrapped__"):
        exec_python._run_python = _caching(run)


def on_config(config: Any) -> Any:
    """Change to the repository root, fix the terminal width argparse sees, cache block outputs."""
    os.chdir(ROOT)
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    _install_cache()
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add every file of docs/_static to the site under _static/."""
    for path in sorted(STATIC.glob("*")):
        if path.is_file():
            files.append(File(f"_static/{path.name}", str(STATIC.parent), config["site_dir"],
                              config["use_directory_urls"]))
    return files


def on_pre_page(page: Any, config: Any, files: Files) -> Any:
    """A page starts its sessions afresh (for the cache's keys)."""
    _chains.clear()
    _skipped.clear()
    return page


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """Make the language switch's absolute links (``/``, ``/en/``) relative to the site root.

    mkdocs-static-i18n points a page with a translation at it, but the home
    pages at ``/`` and ``/en/``, which the theme's ``url`` filter leaves
    absolute: the switch then breaks when the site is opened from disk or
    served below a path. Without the leading slash the filter makes them
    relative to the page. Runs after the plugin's own page context (priority
    50), which resets the links for every page.
    """
    # the plugin sets the attribute (which the theme's template reads first), not the key
    for alternate in getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []:
        link = alternate.get("link", "")
        if link.startswith("/") and not link.startswith("//"):
            alternate["link"] = link.lstrip("/") or "."
    return context


def on_template_context(context: Any, template_name: str, config: Any) -> Any:
    """On the 404 page (served at any path) the switch leads to each language's home page.

    It is no page, so the plugin leaves there the links of the last page built.
    """
    i18n = config.plugins.get("i18n")
    if template_name == "404.html" and i18n is not None:
        homes = {language.locale: language.link for language in i18n.config.languages}
        for alternate in getattr(config.extra, "alternate", None) or []:
            alternate["link"] = homes.get(alternate.get("lang"), alternate.get("link"))
    return context


def on_post_build(config: Any) -> None:
    """Say how many code blocks ran and how many were reused from the other language."""
    log.info("code blocks: %d ran (%.1f s), %d reused", _stats["ran"], _stats["seconds"], _stats["reused"])
