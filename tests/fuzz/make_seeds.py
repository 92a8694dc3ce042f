#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs, in each target's input format, from
the repository's data: route tables (tests/vectors/*.tsv, bench/*.tsv, the
tables inside routing.jsonl and table-errors.jsonl), the routing vectors'
requests and the llhttp request corpus (tests/conformance).
    make_seeds.py SOURCE_DIR OUT_DIR      -> OUT_DIR/<target>/<name>
"""
import base64, hashlib, json, pathlib, struct, sys

src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seeds = {}  # target -> {name: bytes}

def add(target, name, data):
    seeds.setdefault(target, {})[name] = data

def cut_header(key):
    # Eight u16 cut points (tests/fuzz/cut_points.h), fixed per seed.
    return hashlib.sha256(key.encode()).digest()[:16]

def record(op, payload):  # abi_fuzzer.cpp: [op][u16 length][payload]
    return bytes([op]) + struct.pack("<H", len(payload)) + payload

METHOD_CODES = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

# Route tables.
tables = {}
for path in sorted(list((src / "tests/vectors").glob("*.tsv")) + list((src / "bench").glob("*.tsv"))):
    tables[path.name] = path.read_bytes()
def jsonl(name):
    return [json.loads(l) for l in (src / "tests/vectors" / name).read_text().splitlines() if l.strip()]
vectors = jsonl("routing.jsonl") + jsonl("directives.jsonl")
for v in vectors:
    if "table" in v:
        tables.setdefault("inline-" + v["id"].replace("/", "-"), v["table"].encode())
for e in jsonl("table-errors.jsonl") + jsonl("directive-errors.jsonl"):
    add("table_parser", "error-" + e["id"].replace("/", "-"), e["table"].encode())
for name, text in tables.items():
    add("table_parser", name, text)

# Requests per table (match_render, abi).
by_table = {}
for v in vectors:
    key = v.get("table_file") or "inline-" + v["id"].replace("/", "-")
    table = tables[v["table_file"]] if "table_file" in v else v["table"].encode()
    headers = "".join(f"{n}: {x}\r\n" for n, vs in v["request"].get("headers", {}).items()
                      for x in (vs if isinstance(vs, list) else [vs]))
    by_table.setdefault(key, (table, []))[1].append((v["request"]["method"], v["request"]["path"], headers))
github = [l.split("\t") for l in (src / "bench/github-api.requests").read_text().splitlines() if "\t" in l]
by_table["github-api"] = (tables["github-api.tsv"], [(m, p, "") for m, p in github])
for key, (table, requests) in by_table.items():
    requests = [(m, p, h) for m, p, h in requests if "\n" not in p]
    for part in range(0, len(requests), 48):
        chunk = requests[part:part + 48]
        lines = "".join(f"{m} {p}\n" for m, p, _ in chunk).encode()
        add("match_render", f"{key}-{part}", table + b"\0" + lines)
        calls = record(3, table)
        for m, p, h in chunk[:10]:
            code = METHOD_CODES.index(m) if m in METHOD_CODES else 7
            calls += record(1 | code << 3, p.encode()) + record(2, f"{m} {p} HTTP/1.1\r\n{h}\r\n".encode())
        add("abi", f"{key}-{part}", calls)

# The built-in table of the ABI (bench/c-core.tsv), and its other calls.
add("abi", "builtin", record(0, b"/hello/%C3%A9t%C3%A9?x=1") + record(1 | 1 << 3, b"/json") +
    record(2, b"DELETE /\r\nHost: x\r\n\r\n") + record(2, b"GET\n") + record(0, b"/" + b"a" * 9000))
add("abi", "limits", record(6, b"") + record(0, b"/hello/" + b"x" * 5000) + record(6, b"") +
    record(3, tables["github-api.tsv"]) + record(5, b"\x07\x10") + record(5 | 1 << 3, b"") +
    record(5 | 2 << 3, b"\x01") + record(5 | 3 << 3, b"") + record(5 | 8 << 3, b"") +
    record(7, struct.pack("<I", 0x80000000)) + record(7, struct.pack("<I", 70000)) + record(4, b""))

# HTTP: the llhttp corpus, with cut points.
for line in (src / "tests/conformance/http1-requests.jsonl").read_text().splitlines():
    if not line.strip():
        continue
    case = json.loads(line)
    raw = base64.b64decode(case["raw_b64"])
    name = case["id"].replace("/", "-")
    add("http_parser", name, cut_header(case["id"]) + raw)
    add("http_parser", name + "-whole", bytes(16) + raw)
    head_end = raw.find(b"\r\n\r\n")
    if b"chunked" in raw.lower() and head_end >= 0:
        add("chunked_decoder", name, cut_header(case["id"]) + raw[head_end + 4:])
add("chunked_decoder", "extensions-trailers",
    cut_header("ext") + b'5;a=b;c="d\\"e"\r\nhello\r\n0\r\nX-T: v\r\n\r\n')

# The fallback protocol: a fallback's stream of response frames for the
# requests the target keeps waiting on ids 1..8 (fallback_frames_fuzzer.cpp).
def field_bytes(fields):
    out = struct.pack("<H", len(fields))
    for n, v in fields:
        out += struct.pack("<H", len(n)) + n + struct.pack("<I", len(v)) + v
    return out
def response_frame(id, status, fields, body, type=2):
    payload = bytes([type]) + struct.pack("<IH", id, status) + field_bytes(fields) + struct.pack("<I", len(body)) + body
    return struct.pack("<I", len(payload)) + payload
def request_frame(id, route, method, target, fields, params, body):
    payload = (bytes([1]) + struct.pack("<II", id, route) + struct.pack("<H", len(method)) + method +
               struct.pack("<I", len(target)) + target + field_bytes(fields) + field_bytes(params) +
               struct.pack("<I", len(body)) + body)
    return struct.pack("<I", len(payload)) + payload
plain = [(b"Content-Type", b"text/plain")]
add("fallback_frames", "answers-in-order", cut_header("in-order") +
    b"".join(response_frame(i, 200, plain, b"answer %d" % i) for i in range(1, 9)))
add("fallback_frames", "answers-out-of-order", cut_header("out-of-order") +
    b"".join(response_frame(i, 200 + i, [(b"X-N", b"%d" % i)], b"n" * i) for i in (8, 3, 5, 1, 2, 7, 4, 6)))
add("fallback_frames", "hop-by-hop-and-directives", cut_header("hop") + response_frame(1, 200, [
    (b"Connection", b"close, x-hop"), (b"X-Hop", b"1"), (b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"99"),
    (b"Date", b"x"), (b"Server", b"y"), (b"x-app", b"theirs"), (b"Vary", b"Accept"), (b"Set-Cookie", b"a=1"),
    (b"Set-Cookie", b"b=2")], b"body") + response_frame(3, 200, [(b"Content-Length", b"30")], b"") +
    response_frame(5, 304, [(b"ETag", b"\"e\"")], b""))
add("fallback_frames", "bad-answers", cut_header("bad") + response_frame(1, 101, [], b"") +
    response_frame(2, 200, [(b"X-Evil", b"a\r\nb: c")], b"") + response_frame(4, 200, [(b"Bad Name", b"v")], b"") +
    response_frame(6, 600, [], b"") + response_frame(99, 200, [], b"unknown id"))
add("fallback_frames", "oversized-then-valid", cut_header("oversized") + response_frame(2, 200, [], b"x" * 1000) +
    response_frame(7, 200, plain, b"after"))
add("fallback_frames", "cut-short", cut_header("cut") + response_frame(1, 200, plain, b"whole") +
    response_frame(2, 200, plain, b"cut")[:-2])
add("fallback_frames", "lost-stream", cut_header("lost") + response_frame(1, 200, [], b"ok") +
    response_frame(2, 200, [], b"", type=1) + response_frame(3, 200, [], b"never"))
add("fallback_frames", "request-frame", cut_header("request") + request_frame(7, 1, b"POST", b"/x/1?q=1",
    [(b"Host", b"t"), (b"X-Two", b"a"), (b"x-two", b"b")], [(b"n", b"r\xc3\xa9"), (b"", b"a/b")], b"body"))

# Match render without a table: requests against the target's own table.
add("match_render", "default-table",
    b"GET /users/%22%3C%3E'x\nPOST /users/1/posts/%3Cb%3E\nHEAD /users/new\nPROPFIND /any/x/y\n"
    b"GET /files/a%2Fb/c\nPUT /a%2Fb/%27\nDELETE /caf%C3%A9\nGET /%ZZ\n")

for target, files in seeds.items():
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    for name, data in files.items():
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:100]
        (d / safe).write_bytes(data)
print(", ".join(f"{t}: {len(f)}" for t, f in sorted(seeds.items())), "seeds in", out)
