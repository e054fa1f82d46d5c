"""Scenarios from Python: load JSON scenarios, build the same JSON model with a small builder, run them (or a
directory) against a target and get the CLI's report objects."""
from __future__ import annotations

import datetime
import json
import os
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

from . import _core

Scenario = _core.Scenario
ScenarioResult = _core.ScenarioResult
Target = _core.Target

ScenarioLike = Union[str, os.PathLike, "ScenarioBuilder", "_core.Scenario"]


def _jsonable(v: Any) -> Any:
    """Python values -> the scenario JSON spelling (bytes -> hex, enums -> names, tuples -> lists)."""
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if hasattr(v, "name") and isinstance(v, int) and type(v).__name__ == "Status":
        return v.name
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "to_json"):
        return v.to_json()
    return v


def load(path_or_text: Union[str, os.PathLike], *, file: Optional[str] = None, timeout_ms: int = 5000,
         prologue_dir: str = "") -> "_core.Scenario":
    """Loads one scenario from a file, or from JSON text (then ``file`` names it in messages and locates
    ``scenarios/_prologue``). Raises :class:`ScenarioError` with the CLI's located message."""
    s = os.fspath(path_or_text)
    if s.lstrip().startswith("{"):
        return _core.load_scenario_text(s, file or "<text>", timeout_ms, prologue_dir)
    return _core.load_scenario(s, timeout_ms, prologue_dir)


def load_all(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], *,
             timeout_ms: int = 5000) -> List["_core.Scenario"]:
    """Every scenario under files/directories (recursively, skipping _prologue/ and schema/), sorted.
    Raises ScenarioError at the first file that does not load, or for duplicate ids."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out, ids = [], {}
    for f in _core.find_scenario_files([os.fspath(p) for p in paths]):
        sc = _core.load_scenario(f, timeout_ms)
        if sc.id in ids:
            raise _core.ScenarioError(f'{sc.file}: field id: duplicate id "{sc.id}" (also in {ids[sc.id]})')
        ids[sc.id] = sc.file
        out.append(sc)
    return out


class ScenarioBuilder:
    """Builds a scenario in Python; ``to_json()`` is exactly the JSON model of scenarios/README.md, so a
    Python-built scenario and the equivalent JSON file load and run identically.

    >>> sb = ScenarioBuilder("flush-closed", "FLUSH after CLOSE", "MS-SMB2 3.3.5.11 ...",
    ...                      requirements=["SMB2-FLUSH-05"], spec=["MS-SMB2 3.3.5.11"])
    >>> sb.use("open-file", with_={"name": "$dir\\\\a.txt"}, bind={"fid": "$f"})
    >>> sb.send("FLUSH", file_id="$f").expect("ERROR", status="STATUS_FILE_CLOSED")
    """

    def __init__(self, id: str, title: str, description: str, *, requirements: Sequence[str],
                 spec: Sequence[str], level: str = "MUST", requires: Optional[dict] = None,
                 connections: Optional[dict] = None, timeout_ms: Optional[int] = None):
        self.model: Dict[str, Any] = {"id": id, "title": title, "description": description,
                                      "requirements": list(requirements), "spec": list(spec), "level": level}
        if requires is not None:
            self.model["requires"] = requires
        if connections is not None:
            self.model["connections"] = connections
        if timeout_ms is not None:
            self.model["timeout_ms"] = timeout_ms
        self.model["steps"] = []

    @staticmethod
    def _common(step: dict, on: Optional[str], timeout_ms: Optional[int], comment: Optional[str]) -> dict:
        if on is not None:
            step["on"] = on
        if timeout_ms is not None:
            step["timeout_ms"] = timeout_ms
        if comment is not None:
            step["comment"] = comment
        return step

    def step(self, step: dict) -> "ScenarioBuilder":
        """Appends a raw step object (any kind of scenarios/README.md §6)."""
        self.model["steps"].append(_jsonable(step))
        return self

    @staticmethod
    def request(command: str, *, name: Optional[str] = None, header: Optional[dict] = None,
                sign: Optional[bool] = None, patch: Optional[list] = None, related: bool = False,
                **args: Any) -> dict:
        """One ``send`` object (also a ``compound`` member)."""
        s: Dict[str, Any] = {"send": command}
        if name is not None:
            s["name"] = name
        if args:
            s["args"] = args
        if header:
            s["header"] = header
        if sign is not None:
            s["sign"] = sign
        if patch:
            s["patch"] = patch
        if related:
            s["related"] = True
        return s

    def send(self, command: str, *, on: Optional[str] = None, timeout_ms: Optional[int] = None,
             comment: Optional[str] = None, **kw: Any) -> "ScenarioBuilder":
        """A ``send`` step: request fields as keywords (same names as JSON ``args``); ``name``, ``header``,
        ``sign``, ``patch`` as in §6.1."""
        return self.step(self._common(self.request(command, **kw), on, timeout_ms, comment))

    def compound(self, *members: dict, on: Optional[str] = None, **kw: Any) -> "ScenarioBuilder":
        return self.step(self._common({"compound": list(members)}, on, kw.get("timeout_ms"), kw.get("comment")))

    def send_raw(self, data: Union[bytes, str], *, framed: bool = False, on: Optional[str] = None,
                 **kw: Any) -> "ScenarioBuilder":
        s: Dict[str, Any] = {"send_raw": data.hex() if isinstance(data, (bytes, bytearray)) else data}
        if framed:
            s["framed"] = True
        return self.step(self._common(s, on, kw.get("timeout_ms"), kw.get("comment")))

    def expect(self, response: str, *, status: Any = None, fields: Optional[dict] = None,
               capture: Optional[dict] = None, request: Optional[str] = None, interim: Any = None,
               interim_capture: Optional[str] = None, outcomes: Optional[list] = None, on: Optional[str] = None,
               timeout_ms: Optional[int] = None, comment: Optional[str] = None) -> "ScenarioBuilder":
        """An ``expect`` step (§6.4)."""
        s: Dict[str, Any] = {"expect": response}
        if request is not None:
            s["request"] = request
        if status is not None:
            s["status"] = status
        if fields:
            s["fields"] = fields
        if outcomes is not None:
            s["outcomes"] = outcomes
        if capture:
            s["capture"] = capture
        if interim is not None:
            s["interim"] = interim
        if interim_capture is not None:
            s["interim_capture"] = interim_capture
        return self.step(self._common(s, on, timeout_ms, comment))

    def expect_unsolicited(self, response: str, *, fields: Optional[dict] = None, capture: Optional[dict] = None,
                           status: Any = None, on: Optional[str] = None, **kw: Any) -> "ScenarioBuilder":
        s: Dict[str, Any] = {"expect_unsolicited": response}
        if status is not None:
            s["status"] = status
        if fields:
            s["fields"] = fields
        if capture:
            s["capture"] = capture
        return self.step(self._common(s, on, kw.get("timeout_ms"), kw.get("comment")))

    def expect_nothing(self, ms: int, *, on: Optional[str] = None) -> "ScenarioBuilder":
        return self.step(self._common({"expect_nothing": {"ms": ms}}, on, None, None))

    def expect_disconnect(self, ms: int, *, on: Optional[str] = None) -> "ScenarioBuilder":
        return self.step(self._common({"expect_disconnect": {"ms": ms}}, on, None, None))

    def disconnect(self, *, on: Optional[str] = None) -> "ScenarioBuilder":
        return self.step(self._common({"disconnect": True}, on, None, None))

    def reconnect(self, *, on: Optional[str] = None) -> "ScenarioBuilder":
        return self.step(self._common({"reconnect": True}, on, None, None))

    def wait(self, ms: int) -> "ScenarioBuilder":
        return self.step({"wait": {"ms": ms}})

    def use(self, group: str, *, with_: Optional[dict] = None, bind: Optional[dict] = None,
            on: Optional[str] = None) -> "ScenarioBuilder":
        """Inserts a step group from scenarios/_prologue (§8); ``with_`` is JSON ``with``."""
        s: Dict[str, Any] = {"use": group}
        if with_ is not None:
            s["with"] = with_
        if bind is not None:
            s["bind"] = bind
        return self.step(self._common(s, on, None, None))

    def control(self, op: str, *, args: Optional[dict] = None, expect: Optional[dict] = None,
                capture: Optional[dict] = None) -> "ScenarioBuilder":
        """A reference-only control step (§6.6): state, fault, clear_faults, advance_clock, expire_session, volume."""
        s: Dict[str, Any] = {"control": op}
        if args is not None:
            s["args"] = args
        if expect is not None:
            s["expect"] = expect
        if capture is not None:
            s["capture"] = capture
        return self.step(s)

    def to_json(self) -> dict:
        """The scenario as the JSON object a .json file would hold."""
        return _jsonable(self.model)

    def dumps(self, indent: int = 2) -> str:
        return json.dumps(self.to_json(), indent=indent)

    def load(self, file: Optional[str] = None, *, timeout_ms: int = 5000, prologue_dir: str = "") -> "_core.Scenario":
        """Validates the model with the C++ loader. ``file`` names it in messages and in the report (default
        ``<id>.json``); step groups are found in ``prologue_dir`` or by walking up from ``file``.
        Raises ScenarioError."""
        if not prologue_dir and file is None:
            prologue_dir = default_prologue_dir() or ""
        return _core.load_scenario_text(self.dumps(), file or f"{self.model['id']}.json", timeout_ms, prologue_dir)


def default_prologue_dir() -> Optional[str]:
    """scenarios/_prologue of the current directory or of the source tree this module was built from."""
    for root in (os.getcwd(), _core.SOURCE_DIR):
        p = os.path.join(root, "scenarios", "_prologue")
        if root and os.path.isdir(p):
            return p
    return None


def default_expectations(target: Any) -> Optional[dict]:
    """For the reference server: the "ref" expectation set (ci/expectations/ref.json and ref.d/), as the CLI."""
    if not getattr(target, "is_reference", False):
        return None
    try:
        return _core.load_expectation_set("ref")
    except _core.ScenarioError:
        return None


class PreparedTarget:
    """A resolved target (see :func:`prepare_target`); ``close()`` stops the reference server it started."""

    def __init__(self, target: "_core.Target", server: Any, expectations: str):
        self.target = target
        self.server = server
        self.expectations = expectations  # the profile's expectation set name ("" = none)

    def load_expectations(self) -> dict:
        """The profile's expectation set; a default set that does not exist yet is empty (as in the CLI)."""
        if not self.expectations:
            return {}
        try:
            return _core.load_expectation_set(self.expectations)
        except _core.ScenarioError:
            return {}

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> "PreparedTarget":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def prepare_target(spec: str = "ref", *, address: Optional[str] = None, user: Optional[str] = None,
                   user2: Optional[str] = None, share: Optional[str] = None, guest_share: Optional[str] = None,
                   flags: Optional[Dict[str, str]] = None) -> PreparedTarget:
    """Resolves a target exactly as ``smbconform run --target`` does: ``"ref"``, a profile name or file
    (``"samba"``, ``"ci/targets/x.json"``, optionally ``"NAME@HOST:PORT"``) or an ``smb://`` URL, then the
    overrides. Starts the reference server when the profile says so. Raises ValueError with the CLI's message."""
    from .server import ReferenceServer
    server = None
    expectations = ""
    if spec.startswith("smb://"):
        t = _core.Target.parse(spec)
    else:
        if "@" in spec:
            spec, _, at = spec.partition("@")
            address = address or at
        file = _core.find_profile(spec)
        profile = None
        if file:
            try:
                profile = _core.load_profile(file)
            except _core.ScenarioError as e:
                raise ValueError(str(e)) from None
        elif spec != "ref":
            raise ValueError(f"--target {spec}: no profile ci/targets/{spec}.json (known: "
                             f"{' '.join(_core.profile_names())}; or give smb://user:pass@host:port/share)")
        reference = spec == "ref" or (profile is not None and profile.reference)
        t = _core.Target()
        if reference:
            server = ReferenceServer()
            t = server.target
            expectations = "ref"
        if profile is not None:
            keep = (t.host, t.port, t.share, t.user, t.password, t.domain, t.user2, t.guest_share)
            _core.apply_profile(profile, t)
            if reference:  # the started server decides where it listens and who logs on
                t.host, t.port, t.share, t.user, t.password, t.domain = keep[:6]
                if keep[6] is not None:
                    t.set_user2(f"{keep[6][0]}:{keep[6][1]}")
                t.guest_share = keep[7]
            expectations = profile.expectations
            if not reference and not profile.host and not address:
                raise ValueError(f"--target {spec}: the profile has no address; give --address HOST[:PORT]")
        if not reference:
            t.display = spec
    try:
        if address:
            if server is not None:
                raise ValueError("--address does not apply to the reference server (it listens on a port of its own)")
            _core.parse_address(address, t)
        if user:
            name, sep, pw = user.partition(":")
            if not sep:
                raise ValueError("--user: expected user:pass")
            dom, bs, nm = name.partition("\\")
            t.user, t.password = (nm, pw) if bs else (name, pw)
            if bs:
                t.domain = dom
        if user2:
            t.set_user2(user2)
        if share:
            t.share = share
        if guest_share:
            t.guest_share = guest_share
        if not t.share:
            raise ValueError(f"--target {spec}: no share (give --share NAME)")
        if flags:
            merged = dict(t.flags)
            merged.update(flags)
            t.flags = merged
        if server is None and not spec.startswith("smb://"):
            t.display = f"{spec} ({t.host}:{t.port}/{t.share})"
    except BaseException:
        if server is not None:
            server.stop()
        raise
    return PreparedTarget(t, server, expectations)


class Run:
    """The outcome of :func:`run`: results in input order, the CLI's JSON report, summary text and whether every
    result matches its expectation (the CLI's exit status 0)."""

    def __init__(self, target: str, started: str, duration_ms: int, results: List["_core.ScenarioResult"],
                 expectations: Optional[dict], profile: str = ""):
        self.target = target
        self.profile = profile
        self.started = started
        self.duration_ms = duration_ms
        self.results = results
        self.expectations = expectations or {}

    @property
    def report(self) -> dict:
        """Exactly ``smbconform run --json`` for these results."""
        rep = _core.make_report(self.target, self.started, self.duration_ms, self.results, self.expectations)
        if self.profile:
            rep["profile"] = self.profile
        return rep

    @property
    def summary(self) -> str:
        return _core.summary_text(self.results, self.expectations)

    @property
    def ok(self) -> bool:
        return all(_core.matches_expectation(r.verdict, self.expectations.get(r.id)) for r in self.results)

    def __getitem__(self, i: int) -> "_core.ScenarioResult":
        return self.results[i]

    def __len__(self) -> int:
        return len(self.results)


def run(scenarios: Union[ScenarioLike, Sequence[ScenarioLike]], target: Any = "ref", *, jobs: int = 1,
        timeout_ms: int = 5000, expectations: Union[None, str, dict] = None,
        on_result: Optional[Callable[["_core.ScenarioResult"], None]] = None) -> Run:
    """Runs scenarios (files, directories, builders or loaded Scenarios) against ``target``: ``"ref"`` (a fresh
    reference server for this run), a profile name, an ``smb://`` URL (all as ``smbconform run --target``), a
    :class:`Target` or a :class:`ReferenceServer`. ``expectations``: a file or target name (with .d/ fragments) or
    a dict (default: the profile's set, e.g. ci/expectations/ref.json for ref). Raises ScenarioError before
    anything is sent if a scenario does not load."""
    items = [scenarios] if isinstance(scenarios, (str, os.PathLike, ScenarioBuilder, _core.Scenario)) else list(scenarios)
    loaded: List[_core.Scenario] = []
    for it in items:
        if isinstance(it, _core.Scenario):
            loaded.append(it)
        elif isinstance(it, ScenarioBuilder):
            loaded.append(it.load(timeout_ms=timeout_ms))
        elif os.path.isdir(os.fspath(it)):
            loaded.extend(load_all(it, timeout_ms=timeout_ms))
        else:
            loaded.append(load(it, timeout_ms=timeout_ms))
    prepared = prepare_target(target) if isinstance(target, str) else None
    if prepared is not None:
        tgt = prepared.target
    elif isinstance(target, _core.Target):
        tgt = target
    else:
        tgt = target.target
    try:
        if isinstance(expectations, (str, os.PathLike)):
            ex = _core.load_expectation_set(os.fspath(expectations))
        elif expectations is None:
            ex = prepared.load_expectations() if prepared is not None else default_expectations(tgt)
        else:
            ex = expectations
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        t0 = time.monotonic()
        results = _core.run_all(loaded, tgt, timeout_ms, jobs, on_result)
        duration = int((time.monotonic() - t0) * 1000)
    finally:
        if prepared is not None:
            prepared.close()
    return Run(tgt.display, started, duration, results, ex, tgt.profile)
