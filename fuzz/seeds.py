#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus into DIR: for each of the four readers
(first byte 0-3), the inputs that broke parsers before: a lone ',', 600-deep
nesting, a self-referencing alias, an alias bomb, invalid UTF-8, NUL bytes,
plus a valid document of each kind."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    "%s: &%s [%s]\n" % (chr(98 + i), chr(98 + i), ", ".join(["*" + chr(97 + i)] * 9))
    for i in range(9))
common = {
    "comma": b",",
    "deep_flow": b"[" * 600 + b"]" * 600,
    "deep_block": "".join("  " * i + "k:\n" for i in range(600)).encode(),
    "self_alias": b"&a [*a]",
    "alias_bomb": bomb.encode(),
    "bad_utf8": b"workstream_id: \xff\xfe\xc3\x28\n",
    "nul": b"workstream_id: a\x00b\n",
}
valid = {
    0: b"workstream_id: a\ntitle: t\nexecution_request:\n  tool_id: sh\n  prompt: hi\n"
       b"constraints:\n  file_scope:\n    allowed_paths: [\"a/**\"]\n"
       b"  patch_limits: {max_bytes: \"20 MiB\"}\n  allow_submodules: true\ndependencies: []\n",
    1: b"project: p\nrepo: repo\nmax_workers: 4\nverify: always\n"
       b"patch_limits: {max_bytes: 1048576, max_files: 10, max_file_bytes: \"1 GB\"}\n",
    2: b"tools:\n  sh:\n    adapter: subprocess\n    argv: [\"/bin/sh\", \"-c\", \"{prompt}\"]\n"
       b"    circuit_breaker: {failure_rate_threshold: 0.5}\n"
       b"    limits: {cpu_s: 60, address_space_mb: 0, open_files: 256, output_mb: 4}\n",
    3: b'{"workstream_id": "a", "depends_on": ["b"], "circuit_breaker": {"max_attempts": 3},'
       b' "tool": "aider", "x": [1, 2.50, "\\u00e9"]}',
}
json_common = {
    "comma": b",",
    "deep": b"[" * 600 + b"]" * 600,
    "deep_obj": b'{"a":' * 600 + b"1" + b"}" * 600,
    "bad_utf8": b'{"workstream_id": "\xff\xfe"}',
    "nul": b'{"workstream_id": "a\x00b"}',
    "dup": b'{"a": 1, "a": 2}',
}
for kind in range(4):
    seeds = json_common if kind == 3 else common
    for name, body in seeds.items():
        open(os.path.join(out, "%d-%s" % (kind, name)), "wb").write(bytes([kind]) + body)
    open(os.path.join(out, "%d-valid" % kind), "wb").write(bytes([kind]) + valid[kind])
