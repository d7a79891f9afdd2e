"""The documentation in two languages: README quick starts, translated pages, the site's nav.

Checks the sources only (fast); ``nox -s docs`` builds the site itself with
warnings as errors and runs every code block in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "pages"
MKDOCS_YML = ROOT / "docs" / "mkdocs.yml"
LANGUAGES = ("id", "en")
QUICK_START = ["python3 dev.py demo", "python3 dev.py tests"]


def section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section of a Markdown text (up to the next ``##``)."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def shell_commands(markdown: str) -> list[str]:
    """The commands of the ``sh`` blocks in ``markdown``, without their comments."""
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)
    return [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def nav_paths() -> list[str]:
    """The page paths listed in mkdocs.yml's ``nav`` (``- page.md`` or ``- Title: page.md``)."""
    nav = MKDOCS_YML.read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    nav = re.split(r"\n(?=\S)", nav, maxsplit=1)[0]  # up to the next top-level key
    return re.findall(r"^\s*- (?:[^:\n]+: )?(\S+\.md)\s*$", nav, flags=re.MULTILINE)


def page_name(path: Path) -> tuple[str, str | None]:
    """``concepts/kpi.id.md`` -> (``concepts/kpi.md``, ``id``); an unsuffixed page has no language."""
    relative = path.relative_to(PAGES).as_posix()
    match = re.fullmatch(r"(.+)\.(id|en)\.md", relative)
    return (f"{match[1]}.md", match[2]) if match else (relative, None)


def pages() -> dict[str, set[str | None]]:
    """Each page of the site (by its unsuffixed path) and the languages it is written in."""
    found: dict[str, set[str | None]] = {}
    for path in PAGES.rglob("*.md"):
        name, language = page_name(path)
        found.setdefault(name, set()).add(language)
    return found


class TestReadme:
    def test_indonesian_quick_start_comes_first(self) -> None:
        """The README's Indonesian "Mulai cepat" section precedes the English "Quick start"."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert [True, True] == [
            readme.index("\n## Mulai cepat\n") < readme.index("\n## Quick start\n"),
            readme.index("\n## Mulai cepat\n") < readme.index("\n## The command\n"),
        ]

    def test_both_quick_starts_give_the_same_two_commands(self) -> None:
        """Both quick starts set up with exactly `python3 dev.py demo` and `python3 dev.py tests`."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert [QUICK_START, QUICK_START] == [
            shell_commands(section(readme, "Mulai cepat")),
            shell_commands(section(readme, "Quick start")),
        ]


class TestTranslatedPages:
    def test_every_translated_page_exists_in_both_languages(self) -> None:
        """A page with a language suffix has both PAGE.id.md and PAGE.en.md, and no unsuffixed twin."""
        mixed = {name: sorted(map(str, langs)) for name, langs in pages().items()
                 if langs != {None} and langs != set(LANGUAGES)}
        assert {} == mixed

    def test_the_programme_pages_are_translated(self) -> None:
        """Home, getting started, the concepts and the provincial team's how-tos exist in Indonesian."""
        wanted = [
            "index.md", "getting-started.md", "concepts/glossary.md", "concepts/rubric.md",
            "concepts/kpi.md", "concepts/awards.md", "concepts/problems.md",
            "how-to/sync-google-sheet.md", "how-to/google-form.md", "how-to/html-report.md",
        ]
        found = pages()
        assert [] == [name for name in wanted if found.get(name) != set(LANGUAGES)]

    def test_translations_keep_the_same_sections(self) -> None:
        """A translation has as many headings of each level as its English page (nothing left out)."""
        def levels(path: Path) -> list[int]:
            text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
            return [len(hashes) for hashes in re.findall(r"^(#+) ", text, flags=re.MULTILINE)]

        differing = [
            path.relative_to(PAGES).as_posix() for path in sorted(PAGES.rglob("*.en.md"))
            if levels(path) != levels(path.with_name(path.name.replace(".en.md", ".id.md")))
        ]
        assert [] == differing


class TestSiteNavigation:
    def test_nav_names_existing_pages(self) -> None:
        """Every nav entry is a page of the site (named without its language suffix)."""
        found = pages()
        assert [] == [path for path in nav_paths() if path not in found]

    def test_every_page_is_in_the_nav(self) -> None:
        """No page is left out of the nav (it would be built but unreachable from the menu)."""
        listed = set(nav_paths())
        assert [] == sorted(name for name in pages() if name not in listed)

    def test_tabbed_code_blocks_have_their_extension(self) -> None:
        """Pages that show code and result side by side enable pymdownx.tabbed (else `===` shows raw)."""
        uses_tabs = any('source="tabbed-' in path.read_text(encoding="utf-8") for path in PAGES.rglob("*.md"))
        enabled = "\n  - pymdownx.tabbed" in MKDOCS_YML.read_text(encoding="utf-8")
        assert (True, True) == (uses_tabs, enabled)
