#include "persistence/telemetry_line.h"

#include <cstring>
#include <nlohmann/json.hpp>

namespace uet::persistence {

namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Appends s as a JSON string. Printable ASCII other than '"' and '\' is
// written as is by nlohmann too; anything else (escapes, UTF-8, invalid
// bytes to replace) is left to nlohmann, so the bytes stay the same.
void append_string(std::string& out, const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += dump(json(s));
      return;
    }
  out += '"';
  out += s;
  out += '"';
}

} // namespace

std::string telemetry_line(const event_appended& e) {
  std::string out;
  out.reserve(96 + e.run_id.size() + e.event_type.size() + e.timestamp.size() +
              e.payload_json.size() + (e.workstream_id ? e.workstream_id->size() : 0));
  out += "{\"event\":";
  append_string(out, e.event_type);
  if (!e.payload_json.empty()) {
    out += ",\"payload\":";
    const auto& p = e.payload_json;
    if (std::memchr(p.data(), '\n', p.size()) || std::memchr(p.data(), '\r', p.size()))
      out += dump(json::parse(p, nullptr, false));
    else
      out += p;
  }
  out += ",\"run_id\":";
  append_string(out, e.run_id);
  out += ",\"timestamp\":";
  append_string(out, e.timestamp);
  out += ",\"workstream_id\":";
  if (e.workstream_id)
    append_string(out, *e.workstream_id);
  else
    out += "null";
  out += '}';
  return out;
}

} // namespace uet::persistence
