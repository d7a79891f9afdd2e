"""The fast worksheet reader gives exactly the ElementTree reader's result, or declines (hypothesis).

Worksheet and shared-strings XML is generated from a grammar covering what
real writers produce and hostile constructs around it; each package is read
with the fast reader on and off, and the rows, header and errors must match.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.adapters.xlsx_shapes import MAIN, package, read

from tpbis.adapters._xlsx_read import DEFAULT_LIMITS, Limits

X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"

# -- text -------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "a", "Ani", " ", "  ", "\t", "\n", "\r\n", "\r", "é", "日本", "😀", ">", "]]", "]]>", "'", '"',
    "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x42;", "&#x1F600;", "&#13;", "&#10;", "&#9;",
    "&#0;", "&#xFFFE;", "&#X41;", "&#xD800;", "&#0000065;", "&bogus;", "&", "&amp", "\x01", "\x0b", "\ufffe",
    "\u0085", "\u00a0", "\u2028", "\ufeff", "0", "1", "12", "3.5", "-2", "1e3", " 7 ", "45000.25", "true",
    "2024-01-02", "2024-01-02T03:04:05", "٣", "1_0", "=SUM(A1)", "<", "\ud7ff", "\ue000",
])
COMMON_TEXT = st.lists(st.sampled_from(["a", "Ani", " ", "é", "日本", "1", "12", "3.5", "-2", " 7 ", "45000.25"]),
                       max_size=4).map("".join)
HOSTILE_TEXT = st.lists(_PIECES, max_size=5).map("".join)
#: valid but unusual: references, line ends, characters near the edges of what XML allows
VALID_TEXT = st.lists(st.sampled_from([
    "a", " ", "\r\n", "\r", "\n", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x42;", "&#x1F600;",
    "&#13;", "&#10;", "&#0000065;", "&#xd7ff;", "]]", ">", "\ufeff", "\u0085", "\ue000", "\U0010ffff", "😀", "é",
]), min_size=1, max_size=5).map("".join)
TEXT = st.integers(0, 9).flatmap(lambda n: HOSTILE_TEXT if n == 0 else VALID_TEXT if n <= 3 else COMMON_TEXT)
NUMBER = st.sampled_from([
    "0", "1", "2", "-3", "3.5", "45000.25", "45000", "1e3", " 7 ", "", "abc", "1_0", "٣", "true", "1", "0",
    "2024-01-02T03:04:05", "2024-01-02", "12:30:00", "99999999999", "-1", "0.5", "3", "-700000",
])
SPACE = st.sampled_from(["", "", "", " ", "\n", "\r\n  ", "\t"])
QUOTE = st.sampled_from(['"', '"', "'"])


@st.composite
def attribute(draw: st.DrawFn, name: str, value: str, plain: bool = False) -> str:
    if plain:
        return f' {name}="{value}"'
    quote = draw(QUOTE)
    value = value.replace(quote, "&quot;" if quote == '"' else "&apos;")
    return f"{draw(st.sampled_from([' ', ' ', '  ', chr(10)]))}{name}{draw(st.sampled_from(['=', '=', ' = ']))}{quote}{value}{quote}"


# -- cells and rows -----------------------------------------------------------------------------

REF_LETTERS = st.sampled_from(["A", "B", "C", "D", "E", "F", "AA", "b", "", "1", "ABCD", "A"])
KIND = st.sampled_from([None, None, "n", "s", "s", "str", "inlineStr", "inlineStr", "b", "e", "d", "x", " s", "s\r\n"])
STYLE = st.sampled_from([None, None, "0", "1", "2", "3", "4", "9", "x", " 1", "1\t", "&#49;"])


@st.composite
def inline(draw: st.DrawFn, p: str) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 12))
        space = draw(st.sampled_from(["", "", ' xml:space="preserve"']))
        if choice <= 8:
            parts.append(draw(st.sampled_from([f"<{p}t{space}>{draw(TEXT)}</{p}t>", f"<{p}t/>"])))
        elif choice <= 10:
            rpr = draw(st.sampled_from(["", f'<{p}rPr><{p}b/><{p}sz val="11"/><{p}rFont val="Calibri"/></{p}rPr>']))
            parts.append(f"<{p}r>{rpr}<{p}t{space}>{draw(TEXT)}</{p}t></{p}r>")
        elif choice == 11:
            parts.append(f'<{p}rPh sb="0" eb="1"><{p}t>{draw(TEXT)}</{p}t></{p}rPh>')
        else:
            parts.append(draw(st.sampled_from([f'<{p}phoneticPr fontId="1"/>', "<extra/>", "<!-- c -->"])))
        parts.append(draw(SPACE))
    return f"<{p}is>{''.join(parts)}</{p}is>"


@st.composite
def plain_cell(draw: st.DrawFn, p: str, row: int, strings: int) -> str:
    """A cell as writers write it: r first, double quotes, one <v> or <is><t>, or none."""
    ref = f'{draw(st.sampled_from(["A", "B", "C", "D", "E", "F", "AA", "A", "B", "b", "1", ""]))}{row}'
    kind = draw(st.sampled_from([None, None, "s", "inlineStr", "n", "str", "b", "e", "d"]))
    style = draw(st.sampled_from([None, None, "0", "1", "2", "3", "4"]))
    attributes = [("t", kind), ("s", style)]
    if draw(st.booleans()):
        attributes.reverse()
    where = draw(st.sampled_from([0, 0, 0, 0, 1, 2, None]))  # r first, after t or s, or none
    if where is not None:
        attributes.insert(where, ("r", ref))
    text = "".join(f' {name}="{value}"' for name, value in attributes if value is not None)
    if kind == "s":
        value = str(draw(st.integers(0, strings + 1)))
    elif kind == "d":
        value = draw(st.sampled_from(["2024-01-02", "2024-01-02T03:04:05", "12:30:00", "x"]))
    else:
        value = draw(NUMBER if draw(st.booleans()) else COMMON_TEXT)
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return f"<{p}c{text}{draw(st.sampled_from(['', ' ']))}/>"
    if choice == 1:
        return f"<{p}c{text}></{p}c>"
    if choice == 2:
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        return f"<{p}c{text}><{p}is><{p}t{space}>{draw(COMMON_TEXT)}</{p}t></{p}is></{p}c>"
    return f"<{p}c{text}><{p}v>{value}</{p}v></{p}c>"


@st.composite
def cell(draw: st.DrawFn, p: str, row: int, strings: int) -> str:
    if draw(st.integers(0, 2)):
        return draw(plain_cell(p, row, strings))
    attributes = []
    letters = draw(REF_LETTERS)
    if draw(st.integers(0, 9)):
        attributes.append(("r", f"{letters}{draw(st.sampled_from([row, row, row + 1, ''])) if letters else ''}"))
    kind = draw(KIND)
    if kind is not None:
        attributes.append(("t", kind))
    style = draw(STYLE)
    if style is not None:
        attributes.append(("s", style))
    if draw(st.integers(0, 4)) == 0:
        attributes.append(draw(st.sampled_from([("cm", "1"), ("x14ac:foo", "2"), ("vm", "1"), ("r", "B9")])))
    if draw(st.integers(0, 3)) == 0:
        attributes = draw(st.permutations(attributes))
    text = "".join(draw(attribute(name, value)) for name, value in attributes)
    children = []
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2]))):
        choice = draw(st.integers(0, 15))
        if choice <= 9:
            if kind == "s" and draw(st.booleans()):
                value = str(draw(st.integers(-1, strings + 1)))
            else:
                value = draw(st.one_of(NUMBER, TEXT))
            children.append(draw(st.sampled_from([f"<{p}v>{value}</{p}v>", f"<{p}v/>"])))
        elif choice <= 13:
            children.append(draw(inline(p)))
        elif choice == 14:
            children.append(draw(st.sampled_from([f"<{p}f>A1&amp;B1</{p}f>", f'<{p}f t="shared" si="0"/>',
                                                  f"<{p}f>SUM(A1:A3)</{p}f>"])))
        else:
            children.append(draw(st.sampled_from(["<extLst/>", f"<{p}c/>", "<!--x-->", "<?pi x?>", "<![CDATA[1]]>"])))
        children.append(draw(SPACE))
    if not children and draw(st.booleans()):
        return f"<{p}c{text}{draw(SPACE)}/>"
    return f"<{p}c{text}{draw(SPACE)}>{''.join(children)}</{p}c>"


@st.composite
def row(draw: st.DrawFn, p: str, number: int, strings: int) -> str:
    if draw(st.booleans()):  # as writers write it
        spans = draw(st.sampled_from(["", ' spans="1:6"', ' spans="1:6" x14ac:dyDescent="0.25"']))
        cells = draw(st.lists(plain_cell(p, number, strings), max_size=6))
        r = draw(st.sampled_from([f' r="{number}"'] * 4 + [""]))
        return f'<{p}row{r}{spans}>{"".join(cells)}</{p}row>'
    attributes = []
    r = draw(st.sampled_from([number, number, number, "", "x", "²", number + 5, number - 1, None]))
    if r is not None:
        attributes.append(("r", str(r)))
    if draw(st.booleans()):
        attributes.append(("spans", "1:5"))
    if draw(st.integers(0, 3)) == 0:
        attributes.append(draw(st.sampled_from([("x14ac:dyDescent", "0.25"), ("ht", "12.8"), ("hidden", "false")])))
    if draw(st.integers(0, 3)) == 0:
        attributes = draw(st.permutations(attributes))
    text = "".join(draw(attribute(name, value)) for name, value in attributes)
    cells = draw(st.lists(cell(p, number, strings), max_size=6))
    if not cells and draw(st.booleans()):
        return f"<{p}row{text}/>"
    return f"<{p}row{text}>{draw(SPACE).join(cells)}</{p}row>"


HOSTILE = st.sampled_from([
    "<!-- note -->", "<?pi data?>", "<![CDATA[x]]>", "&bogus;", "&", "<", "\x00", "\x07", "\ufffe", "</row>",
    "<row>", "<c>", "<row r='9'><c><v>1</v></c></row>", "<foo xmlns='urn:x'/>", '<c xmlns:y="urn:y" y:a="1"/>',
    "<x:c/>", "<unbound:c/>", '<c r="A1" r="B1"/>', "]]>", "\r", "é", "\udcff", "\xff",
])


@st.composite
def worksheet(draw: st.DrawFn, strings: int) -> tuple[bytes, str]:
    p = draw(st.sampled_from(["", "", "", "x:"]))
    declarations = f'xmlns:x="{MAIN}" xmlns="urn:other"' if p else f'xmlns="{MAIN}"'
    declarations += f' xmlns:x14ac="{X14AC}"'
    prolog = draw(st.sampled_from([
        "", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "<?xml version='1.0'?>",
        '<?xml version="1.0" encoding="utf-8"?>\r\n', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        "", '<?xml version="1.0"?><!-- made by hand -->',
    ]) if draw(st.integers(0, 7)) else st.sampled_from([
        '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0"?><!DOCTYPE worksheet>',
        '<?xml version="1.0" encoding="UTF-16"?>', "<?xml version='1.0' encoding='utf8'?>",
    ]))
    head = draw(st.sampled_from([
        "", f'<{p}dimension ref="A1:C3"/>',
        f'<{p}sheetViews><{p}sheetView workbookViewId="0"><{p}selection activeCell="A1" sqref="A1"/>'
        f"</{p}sheetView></{p}sheetViews><{p}sheetFormatPr defaultRowHeight=\"15\"/>",
        f'<{p}cols><{p}col min="1" max="2" width="9"/></{p}cols>',
    ] + [f"<{p}sheetPr><{p}row/></{p}sheetPr>", "<c/>", f"<{p}sheetPr><{p}pageSetUpPr><{p}c/></{p}pageSetUpPr></{p}sheetPr>"]
        * (draw(st.integers(0, 9)) == 0)))
    tail = draw(st.sampled_from([
        "", f'<{p}mergeCells count="1"><{p}mergeCell ref="A1:B1"/></{p}mergeCells>',
        f'<{p}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
        f"<{p}extLst><{p}ext><{p}c/></{p}ext></{p}extLst>", "<!-- after -->",
        f"<{p}headerFooter><{p}oddHeader>&amp;C</{p}oddHeader></{p}headerFooter>",
    ] + [f"<{p}mergeCells><{p}row/></{p}mergeCells>", f"<{p}sheetData/>", "<row><c><v>1</v></c></row>", "<c><v>1</v></c>",
         f"<{p}sheetData><{p}row><{p}c><{p}v>2</{p}v></{p}c></{p}row></{p}sheetData>"] * (draw(st.integers(0, 9)) == 0)))
    numbers = draw(st.lists(st.integers(1, 40), max_size=8).map(sorted))
    rows = [draw(row(p, number, strings)) for number in numbers]
    body = draw(SPACE).join(rows)
    xml = f"{prolog}<{p}worksheet {declarations}>{head}<{p}sheetData>{body}</{p}sheetData>{tail}</{p}worksheet>"
    if draw(st.integers(0, 6)) == 0:
        start, stop = xml.index("sheetData>") + 10, xml.rindex("sheetData>")
        at = draw(st.integers(start, stop) if stop > start and draw(st.integers(0, 3)) else st.integers(0, len(xml)))
        xml = xml[:at] + draw(HOSTILE) + xml[at:]
    bom = draw(st.sampled_from(["", "", "", "\ufeff"]))
    try:
        data = (bom + xml).encode("utf-8")
    except UnicodeEncodeError:
        data = (bom + xml).encode("utf-8", "surrogateescape")
    if draw(st.integers(0, 14)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=3)) + data[at:]
    return data, p


@st.composite
def shared_strings(draw: st.DrawFn) -> tuple[bytes | None, int]:
    if draw(st.integers(0, 4)) == 0:
        return None, 0
    p = draw(st.sampled_from(["", "", "x:"]))
    declarations = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    items = []
    for _ in range(draw(st.integers(0, 6))):
        content = draw(inline(p))[len(f"<{p}is>"): -len(f"</{p}is>")]
        items.append(draw(st.sampled_from([f"<{p}si>{content}</{p}si>", f"<{p}si><{p}t>{draw(TEXT)}</{p}t></{p}si>"])))
    xml = f'<?xml version="1.0"?><{p}sst {declarations} count="{len(items)}">{draw(SPACE).join(items)}</{p}sst>'
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(xml)))
        xml = xml[:at] + draw(HOSTILE) + xml[at:]
    return xml.encode("utf-8", "surrogateescape"), len(items)


LIMITS = st.sampled_from([
    DEFAULT_LIMITS, Limits(rows=12, columns=3, cell_chars=6), Limits(rows=3, columns=1000, cell_chars=4),
])

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), limits=LIMITS, date1904=st.booleans())
@example(data=None, limits=DEFAULT_LIMITS, date1904=False)
def test_fast_reader_is_the_slow_reader(data: Any, limits: Limits, date1904: bool) -> None:
    """For every generated package: the same header, rows and errors with the fast reader on and off."""
    if data is None:  # the explicit example: a plain package
        sheet, strings = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>' \
                         "</sheetData></worksheet>".encode(), None
    else:
        strings, count = data.draw(shared_strings())
        sheet, _ = data.draw(worksheet(count))
    book = package(sheet, strings, date1904)
    assert read(book, True, limits) == read(book, False, limits)


EDGES = {
    "shared string past the end": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>5</v></c></row>',
    "shared string negative": '<row r="1"><c r="A1" t="s"><v>-1</v></c></row>',
    "shared string not a number": '<row r="1"><c r="A1" t="s"><v>x</v></c></row>',
    "date styles": '<row r="1"><c r="A1" s="1"><v>45000</v></c><c r="B1" s="2"><v>45000.5</v></c>'
                   '<c r="C1" s="3"><v>45000</v></c><c r="D1" s="1"><v>-1</v></c><c r="E1" s="1"><v>1e9</v></c></row>',
    "numbers": '<row r="1"><c r="A1"><v>007</v></c><c r="B1"><v>1.50</v></c><c r="C1"><v>٣</v></c>'
               '<c r="D1"><v> 4 </v></c><c r="E1"><v>1E2</v></c><c r="F1" s="٣"><v>2</v></c></row>',
    "columns without r": '<row><c><v>1</v></c><c r="C1"><v>2</v></c><c><v>3</v></c><c r="a1"><v>4</v></c>'
                         '<c r="1A"><v>5</v></c></row>',
    "rows out of order": '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                         '<row r="3"><c r="A3"><v>3</v></c></row><row><c r="A4"><v>4</v></c></row>',
    "shared strings in a row without r": '<row r="5"><c r="A5" t="s"><v>0</v></c></row>'
                                         '<row><c r="A6" t="s"><v>0</v></c><c r="B6" t="s"><v>1</v></c></row>',
    "duplicate refs": '<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>',
    # found by the hostile review: Python's int() refuses more than 4,300 digits, and ``_scalar`` reads a
    # style only for a number; the fast shortcuts must not raise where the slow reader reads a value
    "numbers longer than int() reads": f'<row r="1"><c r="A1"><v>{"1" * 5000}</v></c><c r="B1" s="1"><v>{"2" * 5000}'
                                       '</v></c><c r="C1"><v>' + "3" * 700 + '.5</v></c></row>',
    "shared string index longer than int() reads": f'<row r="1"><c r="A1" t="s"><v>{"0" * 5000}</v></c></row>',
    "styles that are not ASCII digits": '<row r="1"><c r="A1" t="s" s="\u00b2"><v>0</v></c><c r="B1" s="\u00b2"/>'
                                        f'<c r="C1" t="str" s="{"0" * 5000}"><v>x</v></c>'
                                        f'<c r="D1" s="{"0" * 5000}"/><c r="E1" s="\u0661"><v>3</v></c></row>',
    "style not ASCII digits on a number": '<row r="1"><c r="A1" s="\u00b2"><v>1</v></c></row>',
}


def test_edges() -> None:
    """Hand-written edge cases (some found by the test above): same results both ways."""
    strings = f'<sst xmlns="{MAIN}"><si><t>nol</t></si><si><t>satu</t></si></sst>'
    for name, rows in EDGES.items():
        book = package(f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>', strings)
        for limits in (DEFAULT_LIMITS, Limits(columns=2, rows=2, cell_chars=2)):
            assert (name, read(book, True, limits)) == (name, read(book, False, limits))
