#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/tool_command.h"
#include "tests/support/test_env.h"

using namespace uet::engine;
using namespace std::chrono_literals;

namespace {

const std::string nasty_prompt =
    "Fix it.\n  line two; rm -rf / && echo $(whoami) `id` $HOME ${HOME}\n"
    "'single' \"double\" \\back\\slash | > < * ? ~ # !\ttab {run_id} {files} {workspace}\n"
    "-starts-with-dash \xE2\x9C\x93\n\n";

uet::config::workstream_spec workstream() {
  uet::config::workstream_spec ws;
  ws.id = "ws-auth";
  ws.prompt = "Add a rate limit.";
  ws.files = {"src/auth.py", "tests/test auth.py"};
  ws.allowed_paths = {"src/auth/**", "tests/test_auth.py"};
  return ws;
}

uet::config::tool_spec tool(std::vector<std::string> argv) {
  uet::config::tool_spec t;
  t.id = "t";
  t.argv = std::move(argv);
  t.timeout_s = 900;
  return t;
}

tool_run_context context() {
  return {"run-7", "/tmp/ws dir", "/tmp/logs/run-7", "", ""};
}

/// Splits what the echo script below prints: the argument count on the first
/// line, then each argument followed by a NUL.
std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

} // namespace

TEST_CASE("tool command: placeholders are substituted inside elements, once") {
  auto ws = workstream();
  ws.prompt = "say {run_id} and {workspace}";
  auto ctx = context();
  CHECK(substitute_placeholders("--msg={prompt}", ws, ctx) == "--msg=say {run_id} and {workspace}");
  CHECK(substitute_placeholders("{workstream_id}@{run_id}:{workspace}", ws, ctx) ==
        "ws-auth@run-7:/tmp/ws dir");
  CHECK(substitute_placeholders("{unknown} ${HOME} {run_id", ws, ctx) ==
        "{unknown} ${HOME} {run_id");
  CHECK(substitute_placeholders("{{prompt}}", ws, ctx) == "{say {run_id} and {workspace}}");
}

TEST_CASE("tool command: {files} expands to one element per file, or none") {
  auto ws = workstream();
  auto t = tool({"prog", "--message", "{prompt}", "{files}", "--end"});
  auto argv = tool_argv(t, ws, context());
  REQUIRE(argv.ok());
  CHECK(*argv == std::vector<std::string>{"prog", "--message", "Add a rate limit.", "src/auth.py",
                                          "tests/test auth.py", "--end"});
  ws.files.clear();
  argv = tool_argv(t, ws, context());
  REQUIRE(argv.ok());
  CHECK(*argv == std::vector<std::string>{"prog", "--message", "Add a rate limit.", "--end"});
}

TEST_CASE("tool command: file names are never substituted") {
  auto ws = workstream();
  ws.files = {"{prompt}", "{run_id}"};
  auto argv = tool_argv(tool({"prog", "{files}"}), ws, context());
  REQUIRE(argv.ok());
  CHECK(*argv == std::vector<std::string>{"prog", "{prompt}", "{run_id}"});
}

TEST_CASE("tool command: bad argv patterns fail with the tool and element named") {
  auto ws = workstream();
  auto r = tool_argv(tool({}), ws, context());
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() == "tool 't': argv is empty; it needs at least the program to run");
  r = tool_argv(tool({"prog", "--files={files}"}), ws, context());
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("argv[1]: {files} must be a whole argv element") != std::string::npos);
  ws.files.clear();
  r = tool_argv(tool({"{files}"}), ws, context());
  CHECK_FALSE(r.ok());
}

TEST_CASE("tool command: the aider adapter falls back to the default argv") {
  auto t = tool({});
  t.adapter = "aider";
  auto argv = tool_argv(t, workstream(), context());
  REQUIRE(argv.ok());
  CHECK(argv->front() == "aider");
  auto def = uet::config::default_aider_argv();
  CHECK(argv->size() == def.size() - 1 + 2); // {files} became two files
  CHECK(std::find(argv->begin(), argv->end(), "Add a rate limit.") != argv->end());
  t.argv = {"my-aider", "{prompt}"};
  CHECK(*tool_argv(t, workstream(), context()) ==
        std::vector<std::string>{"my-aider", "Add a rate limit."});
}

TEST_CASE("tool command: env, cwd and timeout of the request") {
  auto t = tool({"prog"});
  t.env = {{"API_KEY", "k"}, {"WT_SCOPE", "**"}, {"RUN_ID", "spoofed"}};
  auto ws = workstream();
  auto ctx = context();
  ctx.output_file = "/tmp/logs/run-7/ws-auth/edit-1.log";
  auto r = build_tool_command(t, ws, ctx);
  REQUIRE(r.ok());
  CHECK(r->cwd == "/tmp/ws dir");
  CHECK(r->env.at("API_KEY") == "k");
  CHECK(r->env.at("WT_ID") == "ws-auth");
  CHECK(r->env.at("WT_SCOPE") == "src/auth/**:tests/test_auth.py"); // ours win
  CHECK(r->env.at("RUN_ID") == "run-7");
  CHECK(r->env.at("LOG_ROOT") == "/tmp/logs/run-7");
  CHECK(r->env.size() == 5);
  CHECK(r->timeout == 900s);
  CHECK(r->output_file == ctx.output_file);
  CHECK_FALSE(r->stdin_data);

  ws.timeout_s = 30;
  ws.allowed_paths.clear();
  r = build_tool_command(t, ws, ctx);
  REQUIRE(r.ok());
  CHECK(r->timeout == 30s);
  CHECK(r->env.at("WT_SCOPE").empty());

  CHECK_FALSE(build_tool_command(tool({}), ws, ctx).ok());
}

TEST_CASE("tool command: a hostile prompt reaches the real process as one element, byte for "
          "byte") {
  uet::test::temp_dir dir;
  // The script prints its argument count, then each argument NUL-terminated,
  // then the variables and cwd it was given. It is a fixed element: the
  // prompt only ever appears as a positional argument.
  auto t =
      tool({"/bin/sh", "-c",
            "printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\0' \"$a\"; done; "
            "printf '%s\\0' \"$WT_ID\" \"$WT_SCOPE\" \"$RUN_ID\" \"$LOG_ROOT\" \"$(pwd)\"",
            "sh", "{prompt}", "--msg={prompt}", "{files}", "--ws={workspace}", "{workstream_id}"});
  auto ws = workstream();
  ws.prompt = nasty_prompt;
  ws.files = {"a.py", "dir with space/b c.py", "-rf", "$(touch pwned)"};
  tool_run_context ctx{"run-42", dir.path(), dir / "logs", "", ""};
  auto req = build_tool_command(t, ws, ctx);
  REQUIRE(req.ok());
  auto res = run_process(*req);
  REQUIRE(res.ok());
  auto newline = res.output.find('\n');
  REQUIRE(newline != std::string::npos);
  CHECK(res.output.substr(0, newline) == "8"); // 2 prompts + 4 files + 2
  auto parts = split_nul(res.output.substr(newline + 1));
  REQUIRE(parts.size() == 13);
  CHECK(parts[0] == nasty_prompt);
  CHECK(parts[1] == "--msg=" + nasty_prompt);
  CHECK(parts[2] == "a.py");
  CHECK(parts[3] == "dir with space/b c.py");
  CHECK(parts[4] == "-rf");
  CHECK(parts[5] == "$(touch pwned)");
  CHECK(parts[6] == "--ws=" + dir.path().string());
  CHECK(parts[7] == "ws-auth");
  CHECK(parts[8] == "ws-auth");
  CHECK(parts[9] == "src/auth/**:tests/test_auth.py");
  CHECK(parts[10] == "run-42");
  CHECK(parts[11] == (dir / "logs").string());
  CHECK(std::filesystem::equivalent(parts[12], dir.path()));
  CHECK_FALSE(std::filesystem::exists(dir / "pwned"));
}
