// `report --html` of the bundled demo run, rendered by headless Chromium
// (installed by scripts/install-deps.sh): every workstream, the timeline's
// bars and the DAG are in the DOM, the console stays silent, and a title
// that is markup shows as text (issue 16). Leaves the screenshot
// docs/images/report-demo.png is made from (report-demo.png beside the
// uet-actors binary).
#include <catch2/catch.hpp>

#include "base/path_lookup.h"
#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

const char* const xss_title = "<img src=x onerror=alert(1)>";

struct browser_result {
  std::string dom;
  std::string log; ///< Chromium's stderr: console messages are ":CONSOLE" lines
};

browser_result headless_chromium(const fs::path& profile, std::vector<std::string> args) {
  uet::engine::process_request req;
  req.argv = {"chromium",
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--user-data-dir=" + profile.string(),
              "--enable-logging=stderr",
              "--v=0"};
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.merge_stderr = false;
  req.timeout = std::chrono::seconds(90);
  auto r = uet::engine::run_process(req);
  INFO("chromium: " << r.spawn_error << r.error_output);
  REQUIRE(r.ok());
  return {r.output, r.error_output};
}

/// How many elements the serialized DOM has that start with `open`.
std::size_t count_tags(const std::string& dom, const std::string& open) {
  return occurrences(dom, open);
}

} // namespace

TEST_CASE("report --html: the demo run's page in headless Chromium") {
  INFO("Chromium is a test dependency: scripts/install-deps.sh installs it");
  REQUIRE(uet::find_on_path("chromium"));
  temp_dir d("uet-report");
  copy_demo(d.path());
  // A title that is markup must stay text (the spec takes it as a string).
  auto spec = d.path() / "workstreams" / "greet-shout.yaml";
  auto text = read_text(spec);
  auto at = text.find("title: ");
  text.replace(at, text.find('\n', at) - at, std::string("title: \"") + xss_title + "\"");
  write_file(spec, text);
  auto run = run_cli({"run", "phase-all"}, d.path());
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  auto page = d.path() / "report.html";
  auto out = run_cli({"report", "--html", page.string()}, d.path());
  INFO(out.output);
  REQUIRE(out.exit_code == 0);

  // The console capture works: a page that logs is seen logging.
  write_file(d.path() / "probe.html", "<!DOCTYPE html><script>console.error('uet-probe')</script>");
  auto probe = headless_chromium(d.path() / "profile-probe",
                                 {"--dump-dom", "file://" + (d.path() / "probe.html").string()});
  CHECK(probe.log.find(":CONSOLE") != std::string::npos);

  auto b = headless_chromium(d.path() / "profile", {"--dump-dom", "file://" + page.string()});
  INFO(b.log);
  CHECK(b.log.find(":CONSOLE") == std::string::npos);
  const auto& dom = b.dom;
  REQUIRE(dom.find("id=\"timeline\"") != std::string::npos);
  REQUIRE(dom.find("id=\"dag\"") != std::string::npos);
  auto attempts =
      must_run({"sqlite3", ".uet/state.db", "SELECT count(*) FROM step_attempts"}, d.path());
  CHECK(count_tags(dom, "<rect class=\"bar step-") == std::stoul(attempts));
  CHECK(count_tags(dom, "<g class=\"node state-committed") == 13);
  for (const auto& entry : fs::directory_iterator(d.path() / "workstreams")) {
    auto id = entry.path().stem().string();
    INFO(id);
    CHECK(dom.find("<tr data-workstream=\"" + id + "\">") != std::string::npos);
    CHECK(dom.find("data-workstream=\"" + id + "\"><rect") != std::string::npos);
  }
  // The markup title is text in a cell, and no <img> element exists.
  CHECK(dom.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);

  auto shot = binary().parent_path() / "report-demo.png";
  fs::remove(shot);
  headless_chromium(d.path() / "profile-shot",
                    {"--hide-scrollbars", "--window-size=1280,1500",
                     "--screenshot=" + shot.string(), "file://" + page.string()});
  CHECK(fs::file_size(shot) > 10000);
}
