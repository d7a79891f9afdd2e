"""pyarrow arrays built without pyarrow's pandas shim (``tpbis.parsing._arrow``).

The helpers must give the arrays ``pa.array`` gives, and a whole run of the
columnar engine must leave pandas unimported even where pandas is installed:
a fake ``pandas`` package on the path records being imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from array import array
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

from tpbis.parsing._arrow import bools, ints, scalar, strings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@given(st.lists(st.integers(-(1 << 63), (1 << 63) - 1)))
def test_int64_like_pa_array(values: list[int]) -> None:
    built = ints(values)
    assert built.type == pa.int64()
    assert built.equals(pa.array(values, pa.int64()))


@pytest.mark.parametrize(("typecode", "arrow_type"), [("b", "int8"), ("i", "int32"), ("q", "int64")])
def test_a_typed_array_is_viewed(typecode: str, arrow_type: str) -> None:
    column = array(typecode, [3, -1, 0, 7])
    built = ints(column, typecode)
    assert built.type == getattr(pa, arrow_type)()
    assert built.to_pylist() == [3, -1, 0, 7]


@given(st.lists(st.integers(0, 3)))
def test_bools_like_pa_array(flags: list[int]) -> None:
    expected = pa.array([bool(f) for f in flags], pa.bool_())
    assert bools(flags).equals(expected)
    assert bools(bytes(flags)).equals(expected)


@given(st.lists(st.text()))
def test_strings_like_pa_array(values: list[str]) -> None:
    try:
        expected = pa.array(values, pa.string())
    except (pa.ArrowInvalid, UnicodeEncodeError):  # lone surrogates: neither builds them
        with pytest.raises(UnicodeEncodeError):
            strings(values)
        return
    assert strings(values).equals(expected)


@given(st.one_of(st.integers(-(1 << 63), (1 << 63) - 1), st.text().filter(lambda t: t == t.encode("utf-8", "ignore").decode())))
def test_scalars(value: int | str) -> None:
    made = scalar(value)
    assert made.as_py() == value
    assert made.type == (pa.string() if isinstance(value, str) else pa.int64())


def test_compute_with_scalars() -> None:
    assert pc.add(ints([1, 2]), scalar(40)).to_pylist() == [41, 42]
    assert pc.if_else(bools([1, 0]), strings(["a", "b"]), scalar("z")).to_pylist() == ["a", "z"]


_RUN = """
import sys
from unittest import mock
import tpbis.adapters.csvfile as csvfile
from tpbis.domain.kpi import score
from tpbis.domain.period import Period
from tpbis.parsing import _columnar
from tpbis.parsing.rows import parse_responses
from tpbis.rubrics import default_rubric
from tpbis.sources import load_inputs

batches = []
original = _columnar.clean_batch
def spy(batch, *rest):
    batches.append(batch.num_rows)
    return original(batch, *rest)

with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 0), mock.patch.object(_columnar, "clean_batch", spy):
    inputs = load_inputs(sys.argv[1], registry=sys.argv[2])
    parsed = parse_responses(inputs.responses, inputs.registry, default_rubric())
    run = score(parsed.activities, inputs.registry, default_rubric(), Period.parse("2024"))
assert batches, "the engine was not used"
assert parsed.counts.accepted and run.results
assert "pyarrow" in sys.modules
print("pandas" in sys.modules)
"""

_FAKE_PANDAS = """
import os
with open(os.environ["TPBIS_FAKE_PANDAS_MARK"], "w") as mark:
    mark.write("imported")
raise ImportError("a fake pandas, for tests/parsing/test_arrow.py")
"""


def test_the_engine_leaves_pandas_alone(tmp_path: Path) -> None:
    """Parsing and scoring a CSV through the engine never makes pyarrow import pandas."""
    fake = tmp_path / "fake" / "pandas"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(textwrap.dedent(_FAKE_PANDAS), encoding="utf-8")
    mark = tmp_path / "pandas-was-imported"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "TPBIS_FAKE_PANDAS_MARK": str(mark),
    }
    done = subprocess.run(  # our own interpreter and script
        [sys.executable, "-c", _RUN, str(EXAMPLES / "kepri-2024-responses.csv"),
         str(EXAMPLES / "kepri-2024-registry.csv")],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert not mark.exists(), "pyarrow imported pandas"


def test_the_fake_pandas_would_be_seen(tmp_path: Path) -> None:
    """The check above can fail: building an array from a Python list does import pandas."""
    fake = tmp_path / "fake" / "pandas"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(textwrap.dedent(_FAKE_PANDAS), encoding="utf-8")
    mark = tmp_path / "pandas-was-imported"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake"), "TPBIS_FAKE_PANDAS_MARK": str(mark)}
    done = subprocess.run(
        [sys.executable, "-c", "import pyarrow as pa; pa.array([1, 2])"],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert mark.exists()
