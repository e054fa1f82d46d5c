# The three examples run end to end against a reference server they start themselves (exit 0 = the server did
# what the spec sections in each example's docstring require).
import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("script", ["oplock_break.py", "lock_sequence_replay.py", "flush_stale_fileid.py"])
def test_example_runs_against_reference_server(script):
    r = subprocess.run([sys.executable, str(EXAMPLES / script), "--target", "ref"], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("ok")
