"""Write output tabs into an ``.xlsx`` package without re-serialising the rest.

Every zip member of the original is copied unchanged except:

* the worksheet parts of the output tabs (added, or replaced at the same
  path; a replaced sheet's own relationships part is dropped);
* ``xl/workbook.xml``: a ``<sheet>`` added per new tab, ``state`` set on the
  output tabs (edited as text, so namespace prefixes and everything else stay);
* ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``: entries for
  new parts appended;
* ``xl/styles.xml``: one bold font, three traffic-light fills and the cell
  formats using them appended (reused when a previous sync added them);
* sheets to remove (``Commit.remove``): their ``<sheet>``, relationship,
  content type, part and its rels, the defined names scoped to or referring
  to them, and ``calcChain.xml`` (Excel rebuilds it).

Sheet names compare case-insensitively, as in Excel; a sheet that is not a
worksheet (a chart sheet) is never replaced. XML parts in UTF-16 are read
and written back as UTF-8.

Output cells hold inline strings (``t="inlineStr"``), numbers or booleans;
never a formula, even for text starting with ``=``, and ``sharedStrings.xml``
is untouched. So cached values, charts, images, validation and everything
else in the input tabs stay byte for byte.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from tpbis.adapters._xlsx_read import REL_NS, Package, SheetRef, _local, _parse, rels_name, xml_text
from tpbis.domain.rubric import Color
from tpbis.errors import SourceError
from tpbis.ports import OutputTab, OutValue

__all__ = ["FILLS", "patch_package"]

#: Traffic-light fills as ARGB (the same light colours the Sheets adapter uses).
FILLS = {Color.HIJAU: "FFB7E1CD", Color.KUNING: "FFFCE8B2", Color.MERAH: "FFF4C7C3"}

WORKSHEET_TYPE = REL_NS + "/worksheet"
STYLES_TYPE = REL_NS + "/styles"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")


def _element(name: str) -> re.Pattern[str]:
    """An opening or empty tag ``name`` with any namespace prefix (quoted ``>`` allowed in attributes)."""
    return re.compile(rf"""<((?:[\w.-]+:)?{name})\b((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>""")


def _attrs(text: str) -> dict[str, str]:
    import html

    return {k: html.unescape(v[1:-1]) for k, v in _ATTR.findall(text)}


def _xml(data: bytes) -> str:
    """An XML part as text in whatever encoding it was saved (UTF-8, UTF-16 with or without BOM);
    its declaration then says UTF-8, the encoding it is written back in."""
    text = xml_text(data)
    return re.sub(r"""^(<\?xml[^>]*?encoding\s*=\s*)("[^"]*"|'[^']*')""", r'\1"UTF-8"', text, count=1)


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("\ufffd", value))


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: OutValue, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and (not isinstance(value, float) or math.isfinite(value)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def sheet_xml(tab: OutputTab, styles: dict[str, int]) -> bytes:
    """The worksheet part of an output tab: header bold and frozen, fills as cell styles."""
    fills: dict[int, dict[int, int]] = {}
    for r, c, color in tab.fills:
        fills.setdefault(r + 1, {})[c] = styles[color.value]
    out = [
        _HEAD,
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL_NS}">',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetData>',
    ]
    letters = [_column(c + 1) for c in range(tab.width)]
    bold = styles["bold"]
    texts: dict[str, str] = {}  # a text's escaped form (tabs repeat colours, regions, kinds…)
    for r, row in enumerate(tab.grid()):
        number = r + 1
        styled = dict.fromkeys(range(len(row)), bold) if r == 0 else fills.get(r, {})
        cells = []
        for c, value in enumerate(row):
            if type(value) is str and value and c not in styled:  # the usual cell, written as _cell does
                text = texts.get(value)
                if text is None:
                    text = texts[value] = _text(value)
                cells.append(f'<c r="{letters[c]}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
            else:
                cells.append(_cell(f"{letters[c]}{number}", value, styled.get(c, 0)))
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def _insert(xml: str, container: str, items: Sequence[str]) -> str:
    """Append ``items`` inside ``<container>`` (any prefix), updating its ``count`` attribute."""
    match = _element(container).search(xml)
    if match is None:
        raise ValueError(f"no <{container}> element")
    name, attributes, empty = match.groups()
    prefix = name[: -len(container)]
    body = "".join(items).replace("<", f"<{prefix}").replace(f"<{prefix}/", f"</{prefix}") if prefix else "".join(items)
    found = _attrs(attributes)
    if empty:
        count = len(items)
        head = re.sub(r"""\s+count\s*=\s*("[^"]*"|'[^']*')""", "", attributes)
        return xml[: match.start()] + f'<{name}{head} count="{count}">{body}</{name}>' + xml[match.end():]
    close = xml.index(f"</{name}>", match.end())
    existing = int(found["count"]) if found.get("count", "").isdigit() else None
    opening = match.group(0)
    if existing is not None:
        opening = re.sub(
            r"""(\s)count\s*=\s*("[^"]*"|'[^']*')""", lambda m: f'{m.group(1)}count="{existing + len(items)}"',
            opening, count=1,
        )
    return xml[: match.start()] + opening + xml[match.end(): close] + body + xml[close:]


def _styles(xml: bytes | None) -> tuple[bytes, dict[str, int]]:
    """styles.xml with our font, fills and cell formats; name → cellXfs index (``bold``, colours)."""
    if xml is None:
        xml = (
            _HEAD + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            "</styleSheet>"
        ).encode()
    root = _parse(xml)
    sections = {_local(e.tag): list(e) for e in root}
    fonts, fills, xfs = sections.get("fonts", []), sections.get("fills", []), sections.get("cellXfs", [])

    def is_bold(font: object) -> bool:
        children = [_local(c.tag) for c in font]  # type: ignore[attr-defined]
        return children == ["b"]

    def fill_rgb(fill: object) -> str | None:
        for e in fill.iter():  # type: ignore[attr-defined]
            if _local(e.tag) == "patternFill" and e.get("patternType") == "solid":
                for color in e:
                    if _local(color.tag) == "fgColor":
                        return color.get("rgb")  # type: ignore[no-any-return]
        return None

    text = _xml(xml)
    new_fonts: list[str] = []
    bold = next((i for i, f in enumerate(fonts) if is_bold(f)), None)
    if bold is None:
        bold = len(fonts)
        new_fonts.append("<font><b/></font>")
    new_fills: list[str] = []
    fill_ids: dict[str, int] = {}
    for color, argb in FILLS.items():
        index = next((i for i, f in enumerate(fills) if fill_rgb(f) == argb), None)
        if index is None:
            index = len(fills) + len(new_fills)
            new_fills.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="{argb}"/><bgColor rgb="{argb}"/></patternFill></fill>'
            )
        fill_ids[color.value] = index
    wanted = {"bold": (bold, 0), **{name: (0, fill) for name, fill in fill_ids.items()}}
    new_xfs: list[str] = []
    indices: dict[str, int] = {}
    for name, (font, fill) in wanted.items():
        index = next(
            (i for i, x in enumerate(xfs)
             if x.get("fontId", "0") == str(font) and x.get("fillId", "0") == str(fill)
             and x.get("numFmtId", "0") == "0" and x.get("borderId", "0") == "0" and not list(x)),
            None,
        )
        if index is None:
            index = len(xfs) + len(new_xfs)
            apply = ' applyFont="1"' if name == "bold" else ' applyFill="1"'
            new_xfs.append(f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{apply}/>')
        indices[name] = index
    if new_fonts:
        text = _insert(text, "fonts", new_fonts)
    if new_fills:
        text = _insert(text, "fills", new_fills)
    if new_xfs:
        text = _insert(text, "cellXfs", new_xfs)
    return text.encode("utf-8"), indices


def patch_package(package: Package, tabs: Sequence[OutputTab], remove: Sequence[str] = ()) -> bytes:
    """The package's bytes with ``tabs`` written in and the sheets named in ``remove`` deleted.

    Sheet names compare as Excel compares them (case-insensitively): a tab
    written over ``SKOR KPI`` replaces it in place and takes the new name.

    Raises:
        SourceError: a tab would replace a sheet that is not a worksheet (a chart sheet, say).
    """
    archive = package.archive
    replaced: dict[str, bytes] = {}
    removed: set[str] = set()
    added: dict[str, bytes] = {}
    workbook_part = package.workbook_part
    workbook_rels = package.real(rels_name(workbook_part))
    folder = posixpath.dirname(workbook_part)
    workbook = _xml(archive.read(workbook_part))
    rels = _xml(archive.read(workbook_rels)) if workbook_rels in package.names else (
        _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    types = _xml(archive.read(package.real("[Content_Types].xml")))

    styles_part = package._styles_part
    if styles_part is None or styles_part not in package.names:
        styles_part = posixpath.join(folder, "styles.xml")
        styles_bytes, styles = _styles(None)
        added[styles_part] = styles_bytes
        rels = _append(rels, "Relationships", [_rel(_free_id(rels), STYLES_TYPE, "styles.xml")])
        types = _append(types, "Types", [_override(styles_part, STYLES_CT)])
    else:
        styles_bytes, styles = _styles(archive.read(styles_part))
        replaced[styles_part] = styles_bytes

    existing = {sheet.name.casefold(): sheet for sheet in package.sheets}
    for tab in tabs:
        clash = existing.get(tab.name.casefold())
        if clash is not None and not clash.is_worksheet:
            raise SourceError.from_catalogue("xlsx.not_worksheet", tab=clash.name, path=package.path)
    written = {tab.name.casefold() for tab in tabs}
    doomed = [existing[n.casefold()] for n in dict.fromkeys(remove)
              if n.casefold() in existing and n.casefold() not in written]
    if doomed:
        workbook, rels, types = _remove_sheets(package, doomed, workbook, rels, types, removed)
    used_parts = set(package.names) | set(added)
    sheet_ids = [int(s.sheet_id) for s in package.sheets if s.sheet_id.isdigit()]
    new_sheets: list[str] = []
    for tab in tabs:
        content = sheet_xml(tab, styles)
        state = "hidden" if tab.hidden else "visible"
        sheet = existing.get(tab.name.casefold())
        if sheet is not None and sheet.part is not None and sheet.part in package.names:
            replaced[sheet.part] = content
            if package.real(rels_name(sheet.part)) in package.names:
                removed.add(package.real(rels_name(sheet.part)))
            workbook = _set_state(workbook, sheet.rid, state, None if sheet.name == tab.name else tab.name)
            continue
        number = 1
        while posixpath.join(folder, f"worksheets/sheet{number}.xml") in used_parts:
            number += 1
        part = posixpath.join(folder, f"worksheets/sheet{number}.xml")
        used_parts.add(part)
        added[part] = content
        rid = _free_id(rels)
        rels = _append(rels, "Relationships", [_rel(rid, WORKSHEET_TYPE, f"worksheets/sheet{number}.xml")])
        types = _append(types, "Types", [_override(part, WORKSHEET_CT)])
        sheet_id = max(sheet_ids, default=0) + 1
        sheet_ids.append(sheet_id)
        hidden = ' state="hidden"' if tab.hidden else ""
        new_sheets.append(
            f'<sheet xmlns:r="{REL_NS}" name={quoteattr(_ILLEGAL.sub("", tab.name))} sheetId="{sheet_id}"{hidden} r:id="{rid}"/>'
        )
    if new_sheets:
        workbook = _append(workbook, "sheets", new_sheets)
    replaced[workbook_part] = workbook.encode("utf-8")
    replaced[package.real("[Content_Types].xml")] = types.encode("utf-8")
    if workbook_rels in package.names:
        replaced[workbook_rels] = rels.encode("utf-8")
    else:
        added[workbook_rels] = rels.encode("utf-8")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.comment = archive.comment  # a zip tool's note on the package (``zip -z``) stays
        for info in archive.infolist():
            if info.filename in removed:
                continue
            data = replaced.get(info.filename)
            if data is None:
                data = archive.read(info.filename)  # inflated and its CRC checked, as before: a corrupt member stops here
                if _copy_compressed(archive, info, out):
                    continue
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = info.compress_type if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            copy.comment = info.comment
            out.writestr(copy, data)
        for name, data in added.items():
            out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, file name length, extra field length
_KEPT_FLAGS = 0x800  # the UTF-8 file name flag; a data descriptor (0x8) is not written: the header has the sizes


def _copy_compressed(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Copy an unchanged member's compressed bytes into ``out`` as they are; False when it cannot be
    (encrypted, another compression method, an odd local header), and the caller compresses it anew.

    Deflating the input's large sheets again cost more than the rest of writing the tabs
    (1.9 s of 3.5 s for a 100,000-row workbook); the bytes copied here were just inflated and
    CRC-checked by the caller, so the copy holds exactly the same data.
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return False
    if source.fp is None or out.fp is None:
        return False
    source.fp.seek(info.header_offset)
    head = source.fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size:
        return False
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(head)
    if signature != b"PK\x03\x04":
        return False
    source.fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    raw = source.fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        return False
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.flag_bits = info.flag_bits & _KEPT_FLAGS
    copy.comment = info.comment
    copy.CRC, copy.compress_size, copy.file_size = info.CRC, info.compress_size, info.file_size
    # as ZipFile.write does for a directory entry: the header, then (here) the data as it is
    out.fp.seek(out.start_dir)
    copy.header_offset = out.fp.tell()
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out.fp.write(copy.FileHeader())
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    return True


def _append(xml: str, container: str, items: Sequence[str]) -> str:
    """Append ``items`` at the end of ``<container>`` (empty ``<container/>`` expanded)."""
    match = _element(container).search(xml)
    if match is None:
        raise ValueError(f"no <{container}> element")
    name, attributes, empty = match.groups()
    prefix = name[: -len(container)]  # new elements take the container's prefix (``x:sheets`` → ``x:sheet``)
    body = "".join(items).replace("<", f"<{prefix}").replace(f"<{prefix}/", f"</{prefix}") if prefix else "".join(items)
    if empty:
        return xml[: match.start()] + f"<{name}{attributes}>{body}</{name}>" + xml[match.end():]
    close = xml.index(f"</{name}>", match.end())
    return xml[:close] + body + xml[close:]


def _rel(rid: str, kind: str, target: str) -> str:
    return f"<Relationship Id={quoteattr(rid)} Type={quoteattr(kind)} Target={quoteattr(target)}/>"


def _override(part: str, content_type: str) -> str:
    return f"<Override PartName={quoteattr('/' + part)} ContentType={quoteattr(content_type)}/>"


def _free_id(rels: str) -> str:
    ids = {_attrs(m.group(2)).get("Id") for m in _element("Relationship").finditer(rels)}
    number = len(ids) + 1
    while f"rId{number}" in ids:
        number += 1
    return f"rId{number}"


def _set_state(workbook: str, rid: str, state: str, name: str | None = None) -> str:
    """Set ``state`` (and ``name``, when given) on the ``<sheet>`` whose relationship id is ``rid`` (edited in place)."""
    for match in _element("sheet").finditer(workbook):
        attributes = _attrs(match.group(2))
        if not any(k.endswith(":id") and v == rid for k, v in attributes.items()):
            continue
        tag = match.group(0)
        if name is not None:
            tag = re.sub(r"""(\sname\s*=\s*)("[^"]*"|'[^']*')""", lambda m: m.group(1) + quoteattr(_ILLEGAL.sub("", name)),
                         tag, count=1)
        without = re.sub(r"""\s+state\s*=\s*("[^"]*"|'[^']*')""", "", tag)
        if state != "visible":
            without = re.sub(r"(\s*/?>)$", f' state="{state}"\\1', without, count=1)
        return workbook[: match.start()] + without + workbook[match.end():]
    return workbook


def _defined_names() -> re.Pattern[str]:
    return re.compile(r"""<((?:[\w.-]+:)?definedName)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(?:/>|>(.*?)</\1>)""", re.S)


def _refers_to(formula: str, name: str) -> bool:
    """Whether a defined name's formula refers to sheet ``name`` (``'Skor KPI'!A1`` or ``Skor!A1``)."""
    import html

    text = html.unescape(formula).casefold()
    quoted = "'" + name.replace("'", "''").casefold() + "'!"
    return quoted in text or re.search(rf"(?<![\w.']){re.escape(name.casefold())}!", text) is not None


def _remove_sheets(
    package: Package, doomed: Sequence[SheetRef], workbook: str, rels: str, types: str, removed: set[str]
) -> tuple[str, str, str]:
    """Delete ``doomed`` sheets: their ``<sheet>``, relationship, content type, part and its rels,
    the defined names scoped to or referring to them (print titles…), and the calculation chain
    (Excel rebuilds it; it lists cells by sheet id)."""
    order = [s.rid for s in package.sheets]
    gone = {order.index(s.rid) for s in doomed}
    keep = [i for i in range(len(order)) if i not in gone]
    new_index = {old: new for new, old in enumerate(keep)}
    for sheet in doomed:
        for match in _element("sheet").finditer(workbook):
            attributes = _attrs(match.group(2))
            if any(k.endswith(":id") and v == sheet.rid for k, v in attributes.items()):
                workbook = workbook[: match.start()] + workbook[match.end():]
                break
        rels = _drop(rels, "Relationship", _has("Id", sheet.rid))
        if sheet.part is not None:
            removed.add(sheet.part)
            part_rels = package.real(rels_name(sheet.part))
            if part_rels in package.names:
                removed.add(part_rels)
            types = _drop(types, "Override", _names_part(sheet.part))

    def renumber(match: re.Match[str]) -> str:
        attributes = _attrs(match.group(2))
        local = attributes.get("localSheetId", "")
        if local.isdigit() and int(local) in gone:
            return ""
        if any(_refers_to(match.group(3) or "", s.name) for s in doomed):
            return ""
        if local.isdigit() and int(local) in new_index and new_index[int(local)] != int(local):
            return re.sub(r"""localSheetId\s*=\s*("[^"]*"|'[^']*')""", f'localSheetId="{new_index[int(local)]}"',
                          match.group(0), count=1)
        return match.group(0)

    workbook = _defined_names().sub(renumber, workbook)
    workbook = re.sub(r"<((?:[\w.-]+:)?definedNames)\b[^>]*>\s*</\1>", "", workbook)  # left empty: invalid
    workbook = re.sub(r"""(\s(?:activeTab|firstSheet)\s*=\s*)("[^"]*"|'[^']*')""", r'\1"0"', workbook)
    for rid, (kind, part) in package.relationships(package.workbook_part).items():
        if kind.endswith("/calcChain"):
            removed.add(part)
            rels = _drop(rels, "Relationship", _has("Id", rid))
            types = _drop(types, "Override", _names_part(part))
    return workbook, rels, types


def _drop(xml: str, name: str, matches: Callable[[dict[str, str]], bool]) -> str:
    """``xml`` without the empty elements ``<name …/>`` whose attributes ``matches``."""
    return _element(name).sub(lambda m: "" if m.group(3) and matches(_attrs(m.group(2))) else m.group(0), xml)


def _has(key: str, value: str) -> Callable[[dict[str, str]], bool]:
    return lambda attributes: attributes.get(key) == value


def _names_part(part: str) -> Callable[[dict[str, str]], bool]:
    return lambda attributes: attributes.get("PartName", "").lstrip("/").casefold() == part.casefold()
