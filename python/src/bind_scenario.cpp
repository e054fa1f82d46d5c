// Scenarios for Python: targets, the loader (ScenarioError with the CLI's located message), the runner
// (run_scenario / run_all with the GIL released), expectation files and the CLI's JSON report.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "module.hpp"
#include "smbharness/profile.hpp"
#include "smbharness/report.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"
#include "smbharness/target.hpp"

namespace smb::python {
namespace {

using nlohmann::json;
using harness::Expectations;
using harness::Scenario;
using harness::ScenarioResult;
using harness::Target;

harness::LoaderOptions loader_options(int default_timeout_ms, const std::string& prologue_dir) {
  harness::LoaderOptions lo;
  lo.default_timeout_ms = default_timeout_ms;
  if (!prologue_dir.empty()) lo.prologue_dir = prologue_dir;
  for (const auto& r : harness::known_requirements()) lo.known_requirements.insert(r.id);  // as the CLI does
  return lo;
}

Scenario load_file(const std::string& path, int timeout_ms, const std::string& prologue_dir) {
  auto r = harness::load_scenario(path, loader_options(timeout_ms, prologue_dir));
  if (auto* e = std::get_if<harness::LoadError>(&r)) raise_scenario_error(e->message);
  return std::get<Scenario>(std::move(r));
}

Scenario load_text(const std::string& text, const std::string& file, int timeout_ms, const std::string& prologue_dir) {
  auto r = harness::load_scenario_text(text, file, loader_options(timeout_ms, prologue_dir));
  if (auto* e = std::get_if<harness::LoadError>(&r)) raise_scenario_error(e->message);
  return std::get<Scenario>(std::move(r));
}

std::vector<std::string> find_files(const std::vector<std::string>& paths) {
  std::vector<std::string> missing;
  auto files = harness::find_scenario_files(paths, missing);
  if (!missing.empty()) raise_scenario_error(missing.front() + ": no such file or directory");
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.string());
  return out;
}

harness::RunOptions run_options(int timeout_ms) {
  harness::RunOptions ro;
  ro.timeout_ms = timeout_ms;
  ro.prologue_timeout_ms = 2 * timeout_ms;  // as the CLI: the whole NEGOTIATE + SESSION_SETUP + TREE_CONNECT
  return ro;
}

Expectations expectations_from_py(const py::object& o) {
  Expectations ex;
  if (o.is_none()) return ex;
  for (auto [k, v] : o.cast<py::dict>()) {
    auto d = v.cast<py::dict>();
    harness::Expectation e;
    auto verdict = harness::verdict_from_string(py::str(d["verdict"]).cast<std::string>());
    if (!verdict) raise_scenario_error(py::str(k).cast<std::string>() + ": field verdict: unknown verdict");
    e.verdict = *verdict;
    if (d.contains("reason")) e.reason = py::str(d["reason"]).cast<std::string>();
    if (d.contains("evidence")) e.evidence = py::str(d["evidence"]).cast<std::string>();
    ex[py::str(k).cast<std::string>()] = e;
  }
  return ex;
}

py::dict expectations_to_py(const Expectations& ex) {
  py::dict d;
  for (const auto& [id, e] : ex) {
    py::dict x;
    x["verdict"] = harness::to_string(e.verdict);
    x["reason"] = e.reason;
    x["evidence"] = e.evidence;
    d[py::str(id)] = x;
  }
  return d;
}

json step_to_json(const harness::StepResult& st) {
  return {{"index", st.index},   {"kind", st.kind},       {"connection", st.connection},
          {"sent", st.sent},     {"received", st.received}, {"verdict", harness::to_string(st.verdict)},
          {"message", st.message}};
}

}  // namespace

void init_scenario(py::module_& m) {
  py::class_<Target>(m, "Target", "A server under test (address, share, accounts, profile flags).")
      .def(py::init<>())
      .def_static("parse", [](const std::string& url) {
            std::string err;
            auto t = harness::parse_target_url(url, err);
            if (!t) throw py::value_error("--target: " + err);
            return *t;
          }, py::arg("url"), "Parses smb://[user[:pass]@]host[:port]/share. Raises ValueError.")
      .def_readwrite("display", &Target::display)
      .def_readwrite("host", &Target::host)
      .def_readwrite("port", &Target::port)
      .def_readwrite("share", &Target::share)
      .def_property("user", [](const Target& t) { return t.user.user; }, [](Target& t, const std::string& v) { t.user.user = v; })
      .def_property("password", [](const Target& t) { return t.user.password; },
                    [](Target& t, const std::string& v) { t.user.password = v; })
      .def_property("domain", [](const Target& t) { return t.user.domain; }, [](Target& t, const std::string& v) { t.user.domain = v; })
      .def("set_user2", [](Target& t, const std::string& user_pass) {
            auto c = harness::parse_user(user_pass);
            if (!c) throw py::value_error("--user2: expected user:pass");
            t.user2 = *c;
          })
      .def_property_readonly("user2", [](const Target& t) -> py::object {
            return t.user2 ? py::object(py::make_tuple(t.user2->user, t.user2->password)) : py::object(py::none());
          })
      .def_readwrite("guest_share", &Target::guest_share)
      .def_readwrite("is_reference", &Target::is_reference)
      .def_readwrite("control_path", &Target::control_path)
      .def_property_readonly("share_root", [](const Target& t) { return t.share_root.string(); })
      .def_readwrite("flags", &Target::flags)
      .def_readwrite("dialects", &Target::dialects)
      .def_readwrite("capabilities", &Target::capabilities)
      .def_readwrite("profile", &Target::profile)
      .def("__repr__", [](const Target& t) { return "<smbconform.Target " + t.display + ">"; });

  py::class_<Scenario>(m, "Scenario", "A loaded, fully validated scenario (scenarios/README.md).")
      .def_readonly("file", &Scenario::file)
      .def_readonly("id", &Scenario::id)
      .def_readonly("title", &Scenario::title)
      .def_readonly("description", &Scenario::description)
      .def_readonly("level", &Scenario::level)
      .def_readonly("requirements", &Scenario::requirements)
      .def_readonly("spec", &Scenario::spec)
      .def_readonly("timeout_ms", &Scenario::timeout_ms)
      .def_property_readonly("reference_only", [](const Scenario& s) { return s.requires_.reference_only; })
      .def_property_readonly("step_count", [](const Scenario& s) { return s.steps.size(); })
      .def("__repr__", [](const Scenario& s) { return "<smbconform.Scenario " + s.id + " (" + s.file + ")>"; });

  py::class_<ScenarioResult>(m, "ScenarioResult", "The outcome of one scenario run (the CLI's report entry).")
      .def_readonly("id", &ScenarioResult::id)
      .def_readonly("file", &ScenarioResult::file)
      .def_readonly("title", &ScenarioResult::title)
      .def_readonly("level", &ScenarioResult::level)
      .def_readonly("requirements", &ScenarioResult::requirements)
      .def_readonly("spec", &ScenarioResult::spec)
      .def_property_readonly("verdict", [](const ScenarioResult& r) { return harness::to_string(r.verdict); })
      .def_readonly("message", &ScenarioResult::message)
      .def_readonly("duration_ms", &ScenarioResult::duration_ms)
      .def_property_readonly("steps", [](const ScenarioResult& r) {
            py::list l;
            for (const auto& st : r.steps) l.append(json_to_py(step_to_json(st)));
            return l;
          })
      .def("__repr__", [](const ScenarioResult& r) {
            return "<smbconform.ScenarioResult " + r.id + ": " + harness::to_string(r.verdict) + ">";
          });

  py::class_<harness::TargetProfile>(m, "TargetProfile", "A target profile (ci/targets/<name>.json).")
      .def_readonly("name", &harness::TargetProfile::name)
      .def_readonly("file", &harness::TargetProfile::file)
      .def_readonly("description", &harness::TargetProfile::description)
      .def_readonly("reference", &harness::TargetProfile::reference)
      .def_readonly("host", &harness::TargetProfile::host)
      .def_readonly("port", &harness::TargetProfile::port)
      .def_readonly("share", &harness::TargetProfile::share)
      .def_readonly("flags", &harness::TargetProfile::flags)
      .def_readonly("expectations", &harness::TargetProfile::expectations);
  m.def("find_profile", [](const std::string& n) { return harness::find_profile(n).string(); }, py::arg("name_or_path"),
        "The profile file for a name (ci/targets/NAME.json in the working directory or the source tree), or \"\".");
  m.def("profile_names", &harness::profile_names);
  m.def("load_profile", [](const std::string& path) {
        std::string err;
        auto p = harness::load_profile(path, err);
        if (!p) raise_scenario_error(err);
        return *p;
      }, py::arg("path"), "Loads a profile file. Raises ScenarioError (located).");
  m.def("apply_profile", [](const harness::TargetProfile& p, Target& t) { harness::apply_profile(p, t); },
        py::arg("profile"), py::arg("target"), "Copies the profile's settings into the target (in place).");
  m.def("parse_address", [](const std::string& s, Target& t) {
        if (!harness::parse_address(s, t.host, t.port)) throw py::value_error("--address: expected HOST[:PORT], got " + s);
      }, py::arg("address"), py::arg("target"));
  m.def("load_expectation_set", [](const std::string& name_or_path) {
        std::string err;
        auto ex = harness::load_expectation_set(name_or_path, err);
        if (!ex) raise_scenario_error(err);
        return expectations_to_py(*ex);
      }, py::arg("name_or_path"), "Expectations of a target name or file (with its .d/ fragments). Raises ScenarioError.");
  m.def("load_scenario", &load_file, py::arg("path"), py::arg("timeout_ms") = 5000, py::arg("prologue_dir") = "",
        "Loads and validates one scenario file. Raises ScenarioError with the CLI's located message.");
  m.def("load_scenario_text", &load_text, py::arg("text"), py::arg("file"), py::arg("timeout_ms") = 5000,
        py::arg("prologue_dir") = "",
        "Loads a scenario from JSON text; `file` names it in messages and locates scenarios/_prologue. Raises ScenarioError.");
  m.def("find_scenario_files", &find_files, py::arg("paths"),
        "Files as given, directories recursively (*.json minus _prologue/ and schema/), sorted. Raises ScenarioError.");
  m.def("run_scenario", [](const Scenario& sc, const Target& t, int timeout_ms) {
        py::gil_scoped_release nogil;
        return harness::run_scenario(sc, t, run_options(timeout_ms));
      }, py::arg("scenario"), py::arg("target"), py::arg("timeout_ms") = 5000, "Runs one scenario; never raises.");
  m.def("run_all", [](const std::vector<Scenario>& scs, const Target& t, int timeout_ms, int jobs,
                      const std::function<void(const ScenarioResult&)>& on_result) {
        py::gil_scoped_release nogil;
        return harness::run_all(scs, t, run_options(timeout_ms), jobs, [&](const ScenarioResult& r) {
          if (!on_result) return;
          py::gil_scoped_acquire gil;
          on_result(r);
        });
      }, py::arg("scenarios"), py::arg("target"), py::arg("timeout_ms") = 5000, py::arg("jobs") = 1,
      py::arg("on_result") = nullptr, "Runs scenarios with `jobs` threads; results in input order.");
  m.def("unsupported_reason", &harness::unsupported_reason, py::arg("scenario"), py::arg("target"));
  m.def("load_expectations", [](const std::string& path) {
        std::string err;
        auto ex = harness::load_expectations(path, err);
        if (!ex) raise_scenario_error(err);
        return expectations_to_py(*ex);
      }, py::arg("path"), "ci/expectations/<target>.json -> {id: {verdict, reason, evidence}}. Raises ScenarioError.");
  m.def("matches_expectation", [](const std::string& verdict, const py::object& expected) {
        auto v = harness::verdict_from_string(verdict);
        if (!v) throw py::value_error("unknown verdict " + verdict);
        if (expected.is_none()) return harness::matches_expectation(*v, nullptr);
        auto ex = expectations_from_py(py::dict(py::arg("x") = expected));
        return harness::matches_expectation(*v, &ex.at("x"));
      }, py::arg("verdict"), py::arg("expected") = py::none());
  m.def("make_report", [](const std::string& target, const std::string& started, std::int64_t duration_ms,
                          const std::vector<ScenarioResult>& results, const py::object& expectations) {
        return json_to_py(harness::make_report(target, started, duration_ms, results, expectations_from_py(expectations)));
      }, py::arg("target"), py::arg("started"), py::arg("duration_ms"), py::arg("results"),
      py::arg("expectations") = py::none(), "The CLI's --json report as a dict.");
  m.def("progress_line", [](const ScenarioResult& r, const py::object& expected, bool verbose) {
        auto ex = expectations_from_py(expected.is_none() ? py::dict() : py::dict(py::arg("x") = expected));
        return harness::progress_line(r, ex.empty() ? nullptr : &ex.at("x"), verbose);
      }, py::arg("result"), py::arg("expected") = py::none(), py::arg("verbose") = false);
  m.def("summary_text", [](const std::vector<ScenarioResult>& rs, const py::object& ex) {
        return harness::summary_text(rs, expectations_from_py(ex));
      }, py::arg("results"), py::arg("expectations") = py::none());
  m.def("known_requirements", [] {
        py::list l;
        for (const auto& r : harness::known_requirements()) {
          py::dict d;
          d["id"] = r.id;
          d["section"] = r.section;
          d["level"] = r.level;
          d["title"] = r.title;
          d["observability"] = r.observability;
          l.append(d);
        }
        return l;
      });
}

}  // namespace smb::python
