# The pytest plugin: JSON scenarios collected as items, verdicts mapped to pytest outcomes, expectation files,
# collection errors with the CLI's located message, and the smb_client / reference_server fixtures.
import json
import shutil

import pytest

BASE = {
    "title": "plugin test", "requirements": ["SMB2-FLUSH-03"], "spec": ["MS-SMB2 3.3.5.11"], "level": "MUST",
    "description": "MS-SMB2 3.3.5.11: FLUSH on an open with FILE_APPEND_DATA succeeds.",
}
OPEN = [
    {"use": "seed-file-data", "with": {"name": "$dir\\f.txt", "data": "68656c6c6f"}},
    {"use": "open-with-access", "with": {"name": "$dir\\f.txt", "access": "FILE_APPEND_DATA",
                                         "disposition": "FILE_OPEN"}, "bind": {"fid": "$f"}},
    {"send": "FLUSH", "args": {"file_id": "$f"}},
]


def _scenario(tmp, sid, last, **extra):
    doc = dict(BASE, id=sid, steps=OPEN + [last], **extra)
    (tmp / "scenarios" / "t" / f"{sid}.json").write_text(json.dumps(doc))


@pytest.fixture
def scenario_tree(pytester, source_dir):
    root = pytester.path
    (root / "scenarios" / "t").mkdir(parents=True)
    shutil.copytree(source_dir / "scenarios" / "_prologue", root / "scenarios" / "_prologue")
    # The spec says STATUS_SUCCESS (3.3.5.11); each scenario expects something to land on one verdict.
    _scenario(root, "p-pass", {"expect": "FLUSH"})
    _scenario(root, "p-fail", {"expect": "ERROR", "status": "STATUS_ACCESS_DENIED"})
    _scenario(root, "p-known-fail", {"expect": "ERROR", "status": "STATUS_ACCESS_DENIED"})
    _scenario(root, "p-non-strict", {"expect": "FLUSH", "outcomes": [
        {"status": "STATUS_ACCESS_DENIED", "verdict": "pass"},
        {"status": "STATUS_SUCCESS", "verdict": "non_strict", "note": "tolerated for the test"}]})
    _scenario(root, "p-unsupported", {"expect": "FLUSH"}, requires={"target_flags": {"no_such_flag": "x"}})
    # The control channel refuses an unknown session -> the harness cannot grade (scenarios/README.md §6.6).
    doc = dict(BASE, id="p-ungraded", steps=[{"control": "expire_session", "args": {"session": 3735928559}}])
    (root / "scenarios" / "t" / "p-ungraded.json").write_text(json.dumps(doc))
    (root / "expect.json").write_text(json.dumps({"p-known-fail": {"verdict": "fail", "reason": "known"}}))
    return root


def test_verdicts_map_to_pytest_outcomes(pytester, scenario_tree):
    result = pytester.runpytest("-p", "smbconform.pytest_plugin", "--smb-target", "ref",
                                "--smb-expect", str(scenario_tree / "expect.json"), "-rA", "scenarios")
    result.assert_outcomes(passed=2, failed=1, skipped=1, errors=1, xfailed=1)
    # The failure text is the located expected-vs-actual message.
    result.stdout.fnmatch_lines(["*p-fail.json: step 4 (expect ERROR)*STATUS_ACCESS_DENIED*"])
    result.stdout.fnmatch_lines(["*non_strict: *tolerated for the test*"])
    result.stdout.fnmatch_lines(["*ungraded: *unknown session_id*"])


def test_unexpected_pass_against_expectation_fails(pytester, scenario_tree):
    (scenario_tree / "expect.json").write_text(json.dumps({"p-pass": {"verdict": "fail", "reason": "stale entry"}}))
    result = pytester.runpytest("-p", "smbconform.pytest_plugin", "--smb-expect", str(scenario_tree / "expect.json"),
                                "scenarios/t/p-pass.json")
    # scenarios/README.md §10: a listed scenario must match exactly; an unexpected pass is a mismatch.
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*verdict pass, but the expectation file says fail*"])


def test_scenario_that_does_not_load_is_a_collection_error(pytester, scenario_tree):
    bad = dict(BASE, id="p-bad", steps=[{"send": "FLUSH", "args": {"file_idd": 1}}])
    (scenario_tree / "scenarios" / "t" / "p-bad.json").write_text(json.dumps(bad))
    result = pytester.runpytest("-p", "smbconform.pytest_plugin", "scenarios/t/p-bad.json")
    assert result.ret == pytest.ExitCode.INTERRUPTED          # collection errors stop the session
    result.stdout.fnmatch_lines(["*p-bad.json: step 1 (send FLUSH): field args.file_idd: unknown field*"])


def test_non_scenario_json_is_not_collected(pytester):
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "other.json").write_text('{"not": "a scenario"}')
    result = pytester.runpytest("-p", "smbconform.pytest_plugin", "data")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_fixtures_for_python_cases(pytester):
    pytester.makepyfile(test_fx="""
        import smbconform
        def test_echo(smb_client, reference_server, smb_target):
            assert smb_target.port == reference_server.port
            r = smb_client.request("ECHO")
            assert r.command == "ECHO" and r.status is smbconform.Status.STATUS_SUCCESS
    """)
    result = pytester.runpytest("-p", "smbconform.pytest_plugin")
    result.assert_outcomes(passed=1)
