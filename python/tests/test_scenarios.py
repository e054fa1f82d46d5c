# Scenarios from Python: loading (ScenarioError = the CLI's message), the builder, runs against the reference
# server, directories, and the report compared with the CLI's.
import json
import re
import shutil
import subprocess

import pytest

import smbconform
from smbconform import ScenarioBuilder

FLUSH_APPEND = "scenarios/flush/flush-append-data-only.json"


def _append_only_builder() -> ScenarioBuilder:
    """The Python spelling of scenarios/flush/flush-append-data-only.json."""
    sb = ScenarioBuilder(
        "flush-append-data-only",
        "FLUSH on a file opened with FILE_APPEND_DATA (no WRITE_DATA) succeeds",
        "MS-SMB2 3.3.5.11: if the Open is on a file and Open.GrantedAccess includes neither FILE_WRITE_DATA nor "
        "FILE_APPEND_DATA, the server MUST fail the request with STATUS_ACCESS_DENIED; either right suffices. "
        "Opens with FILE_APPEND_DATA only: the flush MUST succeed.",
        requirements=["SMB2-FLUSH-03"], spec=["MS-SMB2 3.3.5.11"])
    sb.use("seed-file-data", with_={"name": "$dir\\f.txt", "data": "68656c6c6f"})
    sb.use("open-with-access", with_={"name": "$dir\\f.txt", "access": "FILE_APPEND_DATA", "disposition": "FILE_OPEN"},
           bind={"fid": "$f"})
    sb.send("FLUSH", file_id="$f")
    sb.expect("FLUSH")
    return sb


def _normalise(report: dict) -> dict:
    """The report minus what legitimately differs between two runs: timings, the random $dir suffix, live
    identifiers (header fields, FileIds, timestamps) and wire hex."""
    text = json.dumps(report)
    text = re.sub(r"smbconform-([a-z0-9-]+?)-[0-9A-Za-z]+(?=\\\\|\")", r"smbconform-\1-DIR", text)
    rep = json.loads(text)
    rep.pop("started", None)
    rep.pop("duration_ms", None)
    live = {"file_id", "creation_time", "last_access_time", "last_write_time", "change_time", "session_id"}
    for sc in rep["scenarios"]:
        sc.pop("duration_ms", None)
        for st in sc["steps"]:
            for m in st["sent"] + st["received"]:
                for k in ("hex", "header"):
                    m.pop(k, None)
                if isinstance(m.get("body"), dict):
                    for k in live:
                        m["body"].pop(k, None)
                for k in live:
                    m.pop(k, None)
    return rep


def test_builder_produces_the_same_json_model(source_dir):
    with open(source_dir / FLUSH_APPEND, encoding="utf-8") as f:
        assert _append_only_builder().to_json() == json.load(f)


def test_python_scenario_and_json_give_identical_reports(source_dir, reference_server):
    path = str(source_dir / FLUSH_APPEND)
    from_json = smbconform.run(path, reference_server, expectations={})
    from_py = smbconform.run(_append_only_builder().load(file=path), reference_server, expectations={})
    assert from_json[0].verdict == "pass"                       # MS-SMB2 3.3.5.11: FILE_APPEND_DATA suffices
    assert _normalise(from_py.report) == _normalise(from_json.report)


def test_failing_python_scenario_reports_like_its_json(tmp_path, source_dir, reference_server):
    # A deliberately wrong expectation: the spec (3.3.5.11) says this FLUSH succeeds, so both must fail the same way.
    sb = _append_only_builder()
    sb.model["id"] = "flush-append-data-only-wrong"
    sb.model["steps"][-1] = {"expect": "ERROR", "status": "STATUS_ACCESS_DENIED"}
    scen_dir = tmp_path / "scenarios" / "flush"
    scen_dir.mkdir(parents=True)
    shutil.copytree(source_dir / "scenarios" / "_prologue", tmp_path / "scenarios" / "_prologue")
    path = scen_dir / "flush-append-data-only-wrong.json"
    path.write_text(sb.dumps())
    from_json = smbconform.run(str(path), reference_server, expectations={})
    from_py = smbconform.run(sb.load(file=str(path)), reference_server, expectations={})
    assert from_json[0].verdict == "fail" and from_py[0].verdict == "fail"
    assert "STATUS_ACCESS_DENIED" in from_json[0].message
    assert from_json[0].message.startswith(f"{path}: step 4")
    assert _normalise(from_py.report) == _normalise(from_json.report)
    assert not from_json.ok


def test_load_error_is_scenario_error_with_the_cli_message(tmp_path, source_dir, cli_binary):
    doc = json.loads((source_dir / FLUSH_APPEND).read_text())
    doc["steps"][2]["args"] = {"file_idd": "$f"}
    bad = tmp_path / "scenarios" / "flush" / "flush-bad.json"
    bad.parent.mkdir(parents=True)
    shutil.copytree(source_dir / "scenarios" / "_prologue", tmp_path / "scenarios" / "_prologue")
    bad.write_text(json.dumps(doc))
    with pytest.raises(smbconform.ScenarioError) as e:
        smbconform.load(str(bad))
    assert "step 3 (send FLUSH): field args.file_idd: unknown field (did you mean file_id?)" in str(e.value)
    # scenarios/README.md §11: the CLI prints the same located message and exits 2.
    cli = subprocess.run([cli_binary, "run", str(bad)], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 2
    assert cli.stderr.strip() == str(e.value)


def test_builder_load_error_is_scenario_error():
    sb = ScenarioBuilder("x-bad", "t", "d", requirements=["SMB2-FLUSH-03"], spec=["MS-SMB2 3.3.5.11"])
    sb.send("FLUSH", file_id="$nope")
    with pytest.raises(smbconform.ScenarioError, match=r"x-bad.json: step 1 \(send FLUSH\).*\$nope"):
        sb.load()


def test_run_directory_matches_the_cli(tmp_path, source_dir, cli_binary):
    rw = source_dir / "scenarios" / "rw"
    files = sorted(p.name for p in rw.glob("*.json"))
    seen = []
    # "ref" is resolved as the CLI resolves --target ref (profile ci/targets/ref.json, a fresh server).
    run = smbconform.run(str(rw), "ref", on_result=lambda r: seen.append(r.id))
    assert [r.id + ".json" for r in run.results] == files       # ids are the file stems, in sorted order
    assert sorted(seen) == sorted(r.id for r in run.results)
    rep = run.report
    assert sum(rep["summary"].values()) == len(files)
    out = tmp_path / "cli.json"
    cli = subprocess.run([cli_binary, "run", str(rw), "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert cli.returncode in (0, 1), cli.stderr
    cli_rep = json.loads(out.read_text())
    # Same report object shape; the CLI adds keys for its own options (pcap, shard) only when they are used.
    assert set(cli_rep) == set(rep)
    assert rep.get("profile") == cli_rep.get("profile")
    assert rep["target"] == cli_rep["target"] == "ref"
    assert {s["id"]: s["verdict"] for s in cli_rep["scenarios"]} == {s["id"]: s["verdict"] for s in rep["scenarios"]}
    assert (cli.returncode == 0) == run.ok
