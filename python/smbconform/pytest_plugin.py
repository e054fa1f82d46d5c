"""pytest plugin: every JSON scenario becomes a test item run against ``--smb-target``; fixtures ``smb_target``,
``reference_server`` and ``smb_client`` for cases written in Python.

Load with ``-p smbconform.pytest_plugin`` (or automatically through the ``pytest11`` entry point when installed).
Verdicts map to pytest outcomes: pass -> passed; non_strict -> passed with a report note; fail -> failed with the
located expected-vs-actual message; unsupported -> skipped; ungraded -> error. A scenario listed in the expectation
file (``--smb-expect``; default for ref: ci/expectations/ref.json) with the verdict it got is xfailed; a listed
scenario that gets another verdict (an unexpected pass included) fails, as the CLI's exit status does.
"""
from __future__ import annotations

import json
import os
from typing import Any, Optional

import pytest

from . import _core
from .client import Client
from .scenario import prepare_target
from .server import ReferenceServer


def pytest_addoption(parser: Any) -> None:
    g = parser.getgroup("smbconform", "SMB conformance scenarios")
    g.addoption("--smb-target", default="ref",
                help="ref (a reference server started for the session), a profile name (ci/targets/NAME.json, "
                     "optionally NAME@HOST:PORT) or smb://user:pass@host:port/share, as smbconform run --target")
    g.addoption("--smb-expect", default=None,
                help="expectation file or target name (default: the profile's set, e.g. ci/expectations/ref.json)")
    g.addoption("--smb-timeout-ms", type=int, default=5000, help="default per-step timeout")
    g.addoption("--smb-user2", default=None, help="second account user:pass for external targets")
    g.addoption("--smb-guest-share", default=None, help="share accepting guest logons (external targets)")
    g.addoption("--smb-flag", action="append", default=[], help="target profile flag name=value (repeatable)")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "smb_scenario(id): a JSON scenario collected by smbconform")
    config._smbconform = _Session(config)


def pytest_unconfigure(config: Any) -> None:
    s = getattr(config, "_smbconform", None)
    if s is not None:
        s.close()


class _Session:
    """The session-wide target: one reference server started lazily and shared by every item and fixture."""

    def __init__(self, config: Any):
        self.config = config
        self.server: Optional[ReferenceServer] = None
        self._target: Optional[_core.Target] = None
        self._expectations: Optional[dict] = None
        self._prepared: Any = None

    def reference_server(self) -> ReferenceServer:
        if self.server is None:
            if self.config.getoption("--smb-target") == "ref":
                self.target()  # the session's target is the reference server: share it
            if self.server is None:
                self.server = ReferenceServer()
        return self.server

    def target(self) -> "_core.Target":
        if self._target is None:
            flags = {}
            for f in self.config.getoption("--smb-flag"):
                name, eq, value = f.partition("=")
                if not eq:
                    raise pytest.UsageError(f"--smb-flag: expected name=value, got {f}")
                flags[name] = value
            try:
                self._prepared = prepare_target(self.config.getoption("--smb-target"),
                                                user2=self.config.getoption("--smb-user2"),
                                                guest_share=self.config.getoption("--smb-guest-share"), flags=flags)
            except ValueError as e:
                raise pytest.UsageError(str(e)) from None
            if self._prepared.server is not None:
                self.server = self._prepared.server
            self._target = self._prepared.target
        return self._target

    def expectations(self) -> dict:
        if self._expectations is None:
            path = self.config.getoption("--smb-expect")
            if path:
                try:
                    self._expectations = _core.load_expectation_set(path)
                except _core.ScenarioError as e:
                    raise pytest.UsageError(str(e)) from None
            else:
                self.target()
                self._expectations = self._prepared.load_expectations()
        return self._expectations

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def _is_scenario_json(path: Any) -> bool:
    parts = set(str(path).replace("\\", "/").split("/"))
    if path.suffix != ".json" or "_prologue" in parts or "schema" in parts:
        return False
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(1 << 20)
        j = json.loads(head)
    except (OSError, ValueError):
        return False
    return isinstance(j, dict) and "steps" in j and "id" in j


def pytest_collect_file(parent: Any, file_path: Any) -> Optional["ScenarioFile"]:
    if _is_scenario_json(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        try:
            sc = _core.load_scenario(os.path.relpath(str(self.path)),
                                     self.config.getoption("--smb-timeout-ms"))
        except _core.ScenarioError as e:
            raise self.CollectError(str(e)) from None
        yield ScenarioItem.from_parent(self, name=sc.id, scenario=sc)


class ScenarioFailure(Exception):
    """A scenario that the target failed (or whose verdict departs from its expectation)."""


class ScenarioUngraded(Exception):
    """The harness could not grade the scenario (prologue, $dir or control channel problem)."""


class ScenarioItem(pytest.Item):
    """One scenario. The run happens in setup so that an ``ungraded`` verdict is a pytest error."""

    def __init__(self, *, scenario: "_core.Scenario", **kw: Any):
        super().__init__(**kw)
        self.scenario = scenario
        self.result: Optional[_core.ScenarioResult] = None
        self.add_marker(pytest.mark.smb_scenario(scenario.id))
        for r in scenario.requirements:
            self.user_properties.append(("requirement", r))

    def setup(self) -> None:
        s: _Session = self.config._smbconform
        self.result = _core.run_scenario(self.scenario, s.target(), self.config.getoption("--smb-timeout-ms"))
        r = self.result
        self.user_properties.append(("verdict", r.verdict))
        expected = s.expectations().get(r.id)
        if r.verdict == "ungraded":
            if expected and expected["verdict"] == "ungraded":
                pytest.xfail(f"expected ungraded: {expected.get('reason', '')}: {r.message}")
            raise ScenarioUngraded(f"ungraded: {r.message}")

    def runtest(self) -> None:
        r = self.result
        assert r is not None
        s: _Session = self.config._smbconform
        expected = s.expectations().get(r.id)
        if expected is not None and expected["verdict"] != r.verdict:
            # A listed scenario must match exactly: an unexpected pass is a mismatch (scenarios/README.md §10).
            raise ScenarioFailure(f"{r.file}: verdict {r.verdict}, but the expectation file says "
                                  f"{expected['verdict']} ({expected.get('reason', '')})"
                                  + (f"\n{r.message}" if r.message else ""))
        if r.verdict == "pass":
            return
        if r.verdict == "non_strict":
            self.add_report_section("call", "smbconform", f"non_strict: {r.message}")
            self.user_properties.append(("note", r.message))
            return
        if r.verdict == "unsupported":
            pytest.skip(f"unsupported: {r.message}")
        if r.verdict == "fail":
            if expected is not None:
                pytest.xfail(f"expected fail: {expected.get('reason', '')}: {r.message}")
            raise ScenarioFailure(r.message)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):
            return f"fail: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def _prunetraceback(self, excinfo: Any) -> None:
        # Setup errors (ungraded) are rendered from the traceback: keep only the raising frame, not pytest's.
        if isinstance(excinfo.value, ScenarioUngraded):
            excinfo.traceback = excinfo.traceback[-1:]

    def reportinfo(self):
        return self.path, None, f"scenario {self.scenario.id}"


@pytest.fixture(scope="session")
def reference_server(request: Any) -> ReferenceServer:
    """The session's reference server (started on first use, stopped at the end of the session)."""
    return request.config._smbconform.reference_server()


@pytest.fixture(scope="session")
def smb_target(request: Any) -> "_core.Target":
    """The :class:`Target` of ``--smb-target`` (the session's reference server for ``ref``)."""
    return request.config._smbconform.target()


@pytest.fixture
def smb_client(smb_target: "_core.Target"):
    """A client connected to the target: NEGOTIATE, SESSION_SETUP as the target's user, TREE_CONNECT to its
    share. Closed after the test."""
    c = Client.connect(smb_target)
    yield c
    c.close()
