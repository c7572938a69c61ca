#!/usr/bin/env python3
"""The MCP conversation test: `slogen mcp` driven by an independent client, the PyPI `mcp` package.

Run by tests/integration/mcp.rs against the fixture Prometheus (it passes the URL and an instant
inside the fixture's history). Every figure the server answers is checked against a value this
script computes itself, from Prometheus' HTTP API (urllib, not slogen's client) or from the SLO
definitions. Exits non-zero with the first failed check.

    python3 tests/mcp/conversation.py --slogen target/release/slogen --prometheus URL --at UNIX \
        --slos slos --argocd-dir tests/fixtures/argocd
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp import MCPError as McpError

ARGS = None
# The specs in slos/: id -> (service, name, objective percent), as written in the YAML.
SPEC_OBJECTIVES = {
    "tr-web-requests-availability": ("tr-web", "requests-availability", 99.9),
    "tr-web-requests-latency": ("tr-web", "requests-latency", 99.0),
    "api-gateway-requests-availability": ("api-gateway", "requests-availability", 99.95),
}
# Sloth's default 30d windows (Google SRE workbook): severity, short, long, factor.
WINDOWS_30D = [("page", "5m", "1h", 14.4), ("page", "30m", "6h", 6.0), ("ticket", "2h", "1d", 3.0), ("ticket", "6h", "3d", 1.0)]
TOKEN = "test-token-not-in-argv"


def check(cond, what, got=None):
    if not cond:
        raise AssertionError(f"{what}" + (f"\n  got: {got!r}" if got is not None else ""))
    print(f"ok: {what}")


def prom(path, **params):
    """Prometheus HTTP API, read directly."""
    data = urllib.parse.urlencode(params).encode()
    with urllib.request.urlopen(ARGS.prometheus + path, data=data, timeout=30) as r:
        body = json.load(r)
    assert body["status"] == "success", body
    return body["data"]["result"]


def instant(q, at=None):
    return prom("/api/v1/query", query=q, time=ARGS.at if at is None else at)


def by_id(q):
    return {s["metric"]["sloth_id"]: float(s["value"][1]) for s in instant(q)}


def rfc3339(t):
    import datetime
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def params(extra=(), env=None, prometheus=None):
    # `--slos` is the older name of `-i`; `--at` takes RFC 3339 as well as Unix seconds.
    args = ["mcp", "--prometheus-url", prometheus or ARGS.prometheus, "--slos", ARGS.slos, "--at", rfc3339(ARGS.at)]
    e = {"PROMETHEUS_TOKEN": TOKEN}
    e.update(env or {})
    return StdioServerParameters(command=ARGS.slogen, args=args + list(extra), env=e)


async def call(s, name, arguments):
    r = await s.call_tool(name, arguments)
    text = [c.text for c in r.content if getattr(c, "type", "") == "text"]
    return r, text


def level(budget_ratio):
    if budget_ratio > 0.5:
        return "LOW"
    if budget_ratio >= 0.2:
        return "MEDIUM"
    if budget_ratio >= 0.05:
        return "HIGH"
    return "CRITICAL"


# The error-budget policy's levels (slogen gate, budget --format json), beside each risk.
POLICY = {"LOW": "ship_freely", "MEDIUM": "cautious", "HIGH": "focus_on_reliability", "CRITICAL": "freeze"}


async def main_conversation():
    async with stdio_client(params()) as (r, w), ClientSession(r, w) as s:
        init = await s.initialize()
        check(init.server_info.name == "slogen", "initialize names the server slogen", init.server_info)
        check(init.capabilities.tools is not None and init.capabilities.resources is not None,
              "the server offers tools and resources", init.capabilities)

        tools = {t.name: t for t in (await s.list_tools()).tools}
        want = {"query_error_budget", "list_slo_violations", "get_deployment_risk", "list_slos", "get_sli_trend", "explain_slo"}
        check(set(tools) == want, "six tools without --argocd", sorted(tools))
        for t in tools.values():
            check(t.input_schema.get("type") == "object" and t.output_schema and t.output_schema.get("type") == "object",
                  f"{t.name} has object input and output JSON Schemas")
        check(tools["query_error_budget"].input_schema["required"] == ["service"], "query_error_budget requires only service")
        check(tools["get_sli_trend"].input_schema["properties"]["range"].get("default") == "24h", "get_sli_trend range defaults to 24h")

        remaining = by_id("slo:period_error_budget_remaining:ratio")
        burn = by_id("slo:current_burn_rate:ratio")
        objective = by_id("slo:objective:ratio")

        # query_error_budget
        r, text = await call(s, "query_error_budget", {"service": "tr-web"})
        check(not r.is_error, "query_error_budget(tr-web) answers", text)
        rows = r.structured_content["slos"]
        check({x["id"] for x in rows} == {"tr-web-requests-availability", "tr-web-requests-latency"}, "both tr-web SLOs", rows)
        for x in rows:
            i = x["id"]
            check(x["budget_remaining_percent"] == round(remaining[i] * 100, 2),
                  f"{i} budget remaining {round(remaining[i] * 100, 2)}% as Prometheus records it", x)
            check(x["current_burn_rate"] == round(burn[i], 3), f"{i} burn rate {round(burn[i], 3)}", x)
            check(x["objective_percent"] == SPEC_OBJECTIVES[i][2], f"{i} objective {SPEC_OBJECTIVES[i][2]}%", x)
            check(x["period"] == "30d", f"{i} period 30d", x)
            check(x["risk"] == level(remaining[i]), f"{i} risk {level(remaining[i])}", x)
            check(x["policy_level"] == POLICY[level(remaining[i])], f"{i} policy level {POLICY[level(remaining[i])]}", x)
            check(x["objective_ratio"] == objective[i], f"{i} objective ratio {objective[i]}", x)
        check([x["budget_remaining_percent"] for x in rows] == sorted(x["budget_remaining_percent"] for x in rows),
              "most at risk first", rows)
        check(text[0].startswith(rows[0]["id"] + ": "), "the text summary leads with the most at-risk SLO", text[0])
        r, _ = await call(s, "query_error_budget", {"service": "tr-web", "slo": "requests-latency"})
        check([x["id"] for x in r.structured_content["slos"]] == ["tr-web-requests-latency"], "slo narrows to one SLO")

        # list_slo_violations: every burn-rate condition computed here from the recorded ratios.
        expected = {}
        for i, (svc, name, obj) in SPEC_OBJECTIVES.items():
            eb = 1 - obj / 100
            ratios = {s_["metric"]["sloth_window"]: float(s_["value"][1])
                      for s_ in instant('{__name__=~"slo:sli_error:ratio_rate.+",sloth_id="%s"}' % i)}
            for sev, short, long_, f in WINDOWS_30D:
                if (i, sev) not in expected and ratios.get(short, 0) > f * eb and ratios.get(long_, 0) > f * eb:
                    expected[(i, sev)] = (short, long_, f, ratios[short] / eb, ratios[long_] / eb)
        check(expected, "the fixture instant has at least one burn-rate violation (the incident)", expected)
        firing = {(a["metric"]["sloth_id"], a["metric"]["sloth_severity"])
                  for a in instant('ALERTS{alertstate="firing",sloth_severity=~"page|ticket"}')}
        r, text = await call(s, "list_slo_violations", {})
        check(not r.is_error, "list_slo_violations answers", text)
        got = {(v["id"], v["severity"]): v for v in r.structured_content["violations"]}
        check(set(got) == set(expected) | firing, f"violations are exactly {sorted(set(expected) | firing)}", sorted(got))
        for k, v in got.items():
            check(v["firing_in_prometheus"] == (k in firing), f"{k} firing in ALERTS: {k in firing}", v)
            if k not in expected:
                active = [float(a["value"][1]) for a in instant('ALERTS_FOR_STATE{sloth_id="%s",sloth_severity="%s"}' % k)]
                check(v["short_window"] is None and v["since"] == rfc3339(active[0]),
                      f"{k} comes from ALERTS only, active since {rfc3339(active[0])}", v)
        for k, (short, long_, f, sb, lb) in expected.items():
            v = got[k]
            check((v["short_window"], v["long_window"], v["burn_rate_factor"]) == (short, long_, f),
                  f"{k} fires on {short}/{long_} at {f}x", v)
            check(v["short_burn_rate"] == round(sb, 3) and v["long_burn_rate"] == round(lb, 3),
                  f"{k} burn rates {round(sb, 3)}x/{round(lb, 3)}x", v)
            # Since when: walk back over 5m steps until the condition stops holding.
            obj = SPEC_OBJECTIVES[k[0]][2]
            eb = 1 - obj / 100
            series = prom("/api/v1/query_range", query='{__name__=~"slo:sli_error:ratio_rate(%s|%s)",sloth_id="%s"}' % (short, long_, k[0]),
                          start=ARGS.at - 3 * 86400, end=ARGS.at, step=300)
            at_t = {}
            for sr in series:
                for t, val in sr["values"]:
                    at_t.setdefault(int(t), {})[sr["metric"]["sloth_window"]] = float(val)
            since = None
            for t in sorted(at_t, reverse=True):
                rs = at_t[t]
                if not (rs.get(short, 0) > f * eb and rs.get(long_, 0) > f * eb):
                    break
                since = t
            check(v["since"] == rfc3339(since), f"{k} holds since {rfc3339(since)}", v)
        exhausted = sorted(i for i, b in remaining.items() if b <= 0)
        check(sorted(x["id"] for x in r.structured_content["exhausted_budgets"]) == exhausted,
              f"exhausted budgets are {exhausted}", r.structured_content["exhausted_budgets"])

        # get_deployment_risk: the gate policy on the lowest tr-web budget.
        low = min(remaining["tr-web-requests-availability"], remaining["tr-web-requests-latency"])
        r, text = await call(s, "get_deployment_risk", {"service": "tr-web"})
        check(not r.is_error, "get_deployment_risk(tr-web) answers", text)
        risk = r.structured_content
        check(risk["risk"] == level(low), f"tr-web deployment risk {level(low)} at {low:.4f} budget left", risk)
        check(risk["policy_level"] == POLICY[level(low)], f"tr-web policy level {POLICY[level(low)]} beside the risk", risk)
        paging = any(a["metric"].get("sloth_severity") == "page"
                     for a in instant('ALERTS{alertstate="firing",sloth_service="tr-web"}'))
        check(risk["gate"] == ("block" if low < 0.1 or paging else "allow"),
              "gate verdict as slogen gate's defaults (10% minimum, a firing page blocks)", risk)
        # The same decision as `slogen gate` itself, on the same Prometheus at the same instant.
        gate = subprocess.run([ARGS.slogen, "gate", "--prometheus-url", ARGS.prometheus, "--time",
                               rfc3339(ARGS.at), "--service", "tr-web", "--format", "json"],
                              capture_output=True, text=True, env={**os.environ, "PROMETHEUS_TOKEN": TOKEN})
        verdict = json.loads(gate.stdout)
        check(verdict["verdict"] == risk["gate"] and verdict["policy_level"] == risk["policy_level"],
              "get_deployment_risk agrees with slogen gate", (verdict, risk))
        check(risk["lowest_budget_percent"] == round(low * 100, 2), "lowest budget reported", risk)
        check(len(risk["reasons"]) == 3 and "deployment risk " + level(low) in text[0], "reasons and summary", (risk["reasons"], text))

        # list_slos: specs against sloth_slo_info.
        info = {x["metric"]["sloth_id"]: x["metric"] for x in instant("sloth_slo_info")}
        r, text = await call(s, "list_slos", {})
        check(not r.is_error and r.structured_content["prometheus_error"] is None, "list_slos answers from both sides", text)
        entries = {e["id"]: e for e in r.structured_content["slos"]}
        check(set(entries) == set(SPEC_OBJECTIVES) | set(info), "every SLO of the specs and of Prometheus", sorted(entries))
        for i, e in entries.items():
            spec = SPEC_OBJECTIVES.get(i)
            running = float(info[i]["sloth_objective"]) if i in info else None
            drifts = (spec is None) or (running is None) or abs(spec[2] - running) > 1e-9
            check(bool(e["drift"]) == drifts, f"{i} drift {'reported' if drifts else 'absent'}", e)
            check(e["running_objective_percent"] == running, f"{i} running objective {running}", e)
        r, _ = await call(s, "list_slos", {"service": "api-gateway"})
        check([e["id"] for e in r.structured_content["slos"]] == ["api-gateway-requests-availability"], "list_slos(service) filters")

        # get_sli_trend: min, max and mean from the raw 5m samples; worst clock hour.
        sel = '{sloth_id="tr-web-requests-availability"}'
        raw = prom("/api/v1/query", query="slo:sli_error:ratio_rate5m%s[86400s]" % sel, time=ARGS.at)
        vals = [float(v) for _, v in raw[0]["values"]]
        r, text = await call(s, "get_sli_trend", {"service": "tr-web", "slo": "requests-availability", "range": "24h"})
        check(not r.is_error, "get_sli_trend answers", text)
        t = r.structured_content
        check(t["sli_min_percent"] == round((1 - max(vals)) * 100, 6), f"SLI minimum {round((1 - max(vals)) * 100, 6)}%", t)
        check(t["sli_max_percent"] == round((1 - min(vals)) * 100, 6), f"SLI maximum {round((1 - min(vals)) * 100, 6)}%", t)
        check(abs(t["sli_mean_percent"] - (1 - sum(vals) / len(vals)) * 100) < 1e-5, "SLI mean", t)
        check(t["burn_rate_max"] == round(max(vals) / 0.001, 3) or abs(t["burn_rate_max"] - max(vals) / (1 - 0.999)) < 1e-3, "burn rate maximum", t)
        last_hour = ARGS.at // 3600 * 3600
        hours = prom("/api/v1/query_range", query="slo:sli_error:ratio_rate1h" + sel, start=last_hour - 23 * 3600, end=last_hour, step=3600)
        worst_t, worst_v = max(((int(tt), float(v)) for tt, v in hours[0]["values"]), key=lambda p: (p[1], -p[0]))
        check(t["worst_hour"]["end"] == rfc3339(worst_t) and t["worst_hour"]["start"] == rfc3339(worst_t - 3600),
              f"worst hour ends {rfc3339(worst_t)}", t["worst_hour"])
        check(t["worst_hour"]["sli_percent"] == round((1 - worst_v) * 100, 6), "worst hour SLI", t["worst_hour"])

        # explain_slo: offline maths from first principles.
        r, text = await call(s, "explain_slo", {"service": "tr-web", "slo": "requests-availability"})
        e = r.structured_content
        check(e["error_budget_minutes"] == 43.2, "0.1% of 30 days is 43.2 minutes", e)
        check([(a["short_window"], a["long_window"], a["burn_rate_factor"], a["error_ratio_threshold"]) for a in e["alerts"]]
              == [("5m", "1h", 14.4, 0.0144), ("30m", "6h", 6.0, 0.006), ("2h", "1d", 3.0, 0.003), ("6h", "3d", 1.0, 0.001)],
              "the four Google windows with factors and thresholds", e["alerts"])
        check(e["alerts"][0]["alert_name"] == "TrWebHighErrorRate" and "43.2 minutes" in text[0], "names and summary")
        # A full outage fills the long window to the threshold in long × threshold: 60 min × 0.0144.
        check([a["minutes_to_fire_at_full_outage"] for a in e["alerts"]] == [round(60 * 0.0144, 3), round(360 * 0.006, 3), round(1440 * 0.003, 3), round(4320 * 0.001, 3)],
              "minutes to fire at a full outage", e["alerts"])

        # Resources: the specs and the rules `slogen generate` writes.
        res = sorted(x.uri for x in (await s.list_resources()).resources)
        check(res == ["slogen://rules/api-gateway.yaml", "slogen://rules/tr-web.yaml", "slogen://specs/api-gateway.yaml", "slogen://specs/tr-web.yaml"],
              "a spec and a rules resource per file", res)
        spec = (await s.read_resource("slogen://specs/tr-web.yaml")).contents[0].text
        check(spec == open(os.path.join(ARGS.slos, "tr-web.yaml")).read(), "the spec resource is the file")
        rules = (await s.read_resource("slogen://rules/tr-web.yaml")).contents[0].text
        generated = subprocess.run([ARGS.slogen, "generate", "-i", os.path.join(ARGS.slos, "tr-web.yaml")], capture_output=True, text=True, check=True).stdout
        check(rules == generated, "the rules resource is what slogen generate writes")
        try:
            await s.read_resource("slogen://specs/nope.yaml")
            check(False, "an unknown resource is an error")
        except McpError as err:
            check("no resource" in str(err), "an unknown resource is an MCP error", str(err))

        # Error paths: tool errors, and the server keeps serving.
        r, text = await call(s, "query_error_budget", {"service": "nope"})
        check(r.is_error and "unknown service \"nope\"" in text[0] and "tr-web" in text[0], "unknown service is a tool error naming known ones", text)
        check("in Prometheus: " in text[0] and "checkout" in text[0],
              "the unknown-service error names the services Prometheus has too (checkout has no spec)", text)
        r, text = await call(s, "get_deployment_risk", {"service": "nope"})
        check(r.is_error and "unknown service" in text[0], "unknown service for the risk", text)
        r, text = await call(s, "explain_slo", {"service": "tr-web", "slo": "nope"})
        check(r.is_error and "requests-latency" in text[0], "unknown SLO lists the service's SLOs", text)
        r, text = await call(s, "explain_slo", {"service": 3, "slo": "x"})
        check(r.is_error and "failed to deserialize" in text[0], "a wrong argument type is a tool error", text)
        r, text = await call(s, "explain_slo", {"service": "tr-web"})
        check(r.is_error and "missing field `slo`" in text[0], "a missing argument is a tool error", text)
        r, text = await call(s, "get_sli_trend", {"service": "tr-web", "slo": "requests-availability", "range": "banana"})
        check(r.is_error and "invalid range" in text[0], "a bad range is a tool error", text)
        try:
            await s.call_tool("no_such_tool", {})
            check(False, "an unknown tool is an error")
        except McpError as err:
            check("no_such_tool" in str(err) or "not found" in str(err).lower(), "an unknown tool is an MCP error", str(err))
        r, text = await call(s, "list_slos", {"service": "nope"})
        check(r.is_error, "list_slos of an unknown service is a tool error", text)

        # Concurrency: the same answers when asked all at once.
        calls = [("query_error_budget", {"service": "tr-web"}), ("query_error_budget", {"service": "api-gateway"}),
                 ("get_deployment_risk", {"service": "tr-web"}), ("list_slo_violations", {}), ("list_slos", {}),
                 ("get_sli_trend", {"service": "tr-web", "slo": "requests-latency", "range": "6h"}),
                 ("explain_slo", {"service": "api-gateway", "slo": "requests-availability"}), ("query_error_budget", {"service": "nope"})]
        together = await asyncio.gather(*(s.call_tool(n, a) for n, a in calls))
        alone = [await s.call_tool(n, a) for n, a in calls]
        check([(x.is_error, x.structured_content) for x in together] == [(x.is_error, x.structured_content) for x in alone],
              f"{len(calls)} concurrent calls answer as sequential ones")


class BarrierProxy(BaseHTTPRequestHandler):
    """Forwards to the fixture Prometheus, but holds each first query of a budget read until
    `n` of them are in flight at once: it only completes if the server calls tools concurrently."""
    barrier = None
    auth_seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        BarrierProxy.auth_seen.append(self.headers.get("Authorization"))
        if b"slo%3Aobjective%3Aratio" in body and b"sloth_service" in body:
            try:
                BarrierProxy.barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                self.send_response(503)
                self.end_headers()
                return
        req = urllib.request.Request(ARGS.prometheus + self.path, data=body, headers={"Content-Type": self.headers["Content-Type"]})
        with urllib.request.urlopen(req, timeout=30) as r:
            data = r.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


def serve(handler):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


async def concurrent_calls():
    n = 3
    BarrierProxy.barrier = threading.Barrier(n)
    srv, url = serve(BarrierProxy)
    try:
        async with stdio_client(params(prometheus=url)) as (r, w), ClientSession(r, w) as s:
            await s.initialize()
            services = ["tr-web", "api-gateway", "tr-web"]
            res = await asyncio.gather(*(s.call_tool("query_error_budget", {"service": x}) for x in services))
            check(all(not x.is_error for x in res), f"{n} calls held together by the proxy all complete: tools run concurrently",
                  [x.content[0].text for x in res])
    finally:
        srv.shutdown()
    check(set(BarrierProxy.auth_seen) == {"Bearer " + TOKEN}, "PROMETHEUS_TOKEN from the environment is sent as a bearer token",
          set(BarrierProxy.auth_seen))


async def prometheus_down():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    async with stdio_client(params(prometheus="http://127.0.0.1:%d" % port)) as (r, w), ClientSession(r, w) as s:
        await s.initialize()
        for name, a in [("query_error_budget", {"service": "tr-web"}), ("get_deployment_risk", {"service": "tr-web"}),
                        ("list_slo_violations", {}), ("get_sli_trend", {"service": "tr-web", "slo": "requests-latency"})]:
            r_, text = await call(s, name, a)
            check(r_.is_error and "cannot reach Prometheus" in text[0], f"Prometheus down: {name} is a tool error", text)
        r_, text = await call(s, "list_slos", {})
        check(not r_.is_error and r_.structured_content["prometheus_error"] and len(r_.structured_content["slos"]) == 3,
              "Prometheus down: list_slos still lists the specs and says why the live side is missing", text)
        r_, _ = await call(s, "explain_slo", {"service": "tr-web", "slo": "requests-latency"})
        check(not r_.is_error, "Prometheus down: explain_slo works offline")


class Hang(BaseHTTPRequestHandler):
    """Accepts requests and never answers: a call to it stays in flight."""
    arrived = threading.Event()

    def do_POST(self):
        Hang.arrived.set()
        threading.Event().wait(120)

    def log_message(self, *a):
        pass


def rpc(proc, msg):
    proc.stdin.write((json.dumps(msg) + "\n").encode())
    proc.stdin.flush()


def read_reply(proc, want_id):
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError("server closed stdout")
        m = json.loads(line)
        if m.get("id") == want_id:
            return m


def disconnect_mid_call():
    srv, url = serve(Hang)
    try:
        cmd = [ARGS.slogen, "mcp", "--prometheus-url", url, "--slos", ARGS.slos, "--timeout", "100s"]
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
        call_ = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "query_error_budget", "arguments": {"service": "tr-web"}}}

        # 1. The client cancels the stuck call, then asks something else: still served.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rpc(proc, init)
        read_reply(proc, 1)
        rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        rpc(proc, call_)
        check(Hang.arrived.wait(30), "the call reached the hanging Prometheus")
        rpc(proc, {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2, "reason": "user gave up"}})
        rpc(proc, {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                   "params": {"name": "explain_slo", "arguments": {"service": "tr-web", "slo": "requests-latency"}}})
        reply = read_reply(proc, 3)
        check(reply["result"]["structuredContent"]["error_budget_percent"] == 1.0, "after a cancelled call the server keeps serving", reply)
        proc.stdin.close()
        check(proc.wait(timeout=60) == 0, "and exits 0 when the client closes the pipe")

        # 2. The client vanishes while a call is in flight.
        Hang.arrived.clear()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rpc(proc, init)
        read_reply(proc, 1)
        rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        rpc(proc, call_)
        check(Hang.arrived.wait(30), "the call reached the hanging Prometheus")
        proc.stdin.close()
        proc.stdout.close()
        code = proc.wait(timeout=60)
        err = proc.stderr.read().decode()
        check(code == 0 and "panicked" not in err, "a client disconnecting mid-call: the server exits 0, no panic", (code, err))
    finally:
        srv.shutdown()


async def argocd():
    fixtures = os.path.abspath(ARGS.argocd_dir)
    log = tempfile.NamedTemporaryFile(delete=False)
    log.close()
    env = {"PATH": fixtures + os.pathsep + os.environ.get("PATH", ""), "ARGOCD_AUTH_TOKEN": "argocd-secret", "ARGOCD_STANDIN_LOG": log.name}

    def logged():
        return open(log.name).read().splitlines()

    async with stdio_client(params(["--argocd"], env=env)) as (r, w), ClientSession(r, w) as s:
        await s.initialize()
        tools = {t.name: t for t in (await s.list_tools()).tools}
        check({"argocd_sync_status", "rollback_deployment"} <= set(tools), "--argocd adds the ArgoCD tools")
        check(tools["rollback_deployment"].annotations.destructive_hint is True, "rollback is marked destructive")
        r_, text = await call(s, "argocd_sync_status", {"app": "tr-web"})
        st = r_.structured_content
        check(not r_.is_error and (st["sync_status"], st["health_status"], st["revision"]) ==
              ("Synced", "Degraded", "9f3c2a1b7d4e5f60718293a4b5c6d7e8f9012345"), "argocd_sync_status reads app get -o json", st)
        check([h["id"] for h in st["history"]] == [12, 11], "history newest first", st["history"])
        r_, text = await call(s, "argocd_sync_status", {"app": "nope"})
        check(r_.is_error and "not found" in text[0], "an unknown app is a tool error with the CLI's message", text)
        r_, text = await call(s, "argocd_sync_status", {"app": "--server=evil.example"})
        check(r_.is_error and "invalid application name" in text[0], "an option-like app name never reaches the CLI", text)
        r_, text = await call(s, "rollback_deployment", {"app": "tr-web", "revision": "11", "confirm": True})
        check(r_.is_error and "writes are off" in text[0] and "argocd app rollback tr-web 11" in text[0],
              "without --allow-write a rollback says what it would do and does nothing", text)
    check(not any("rollback" in x for x in logged()), "no rollback ran", logged())

    async with stdio_client(params(["--argocd", "--allow-write"], env=env)) as (r, w), ClientSession(r, w) as s:
        await s.initialize()
        r_, text = await call(s, "rollback_deployment", {"app": "tr-web", "revision": "1a2b3c4"})
        check(r_.is_error and "confirm: true" in text[0] and "argocd app rollback tr-web 11" in text[0],
              "a rollback without confirm is a tool error saying what it would do", text)
        check(not any("rollback" in x for x in logged()), "no rollback ran without confirm", logged())
        r_, text = await call(s, "rollback_deployment", {"app": "tr-web", "revision": "99", "confirm": True})
        check(r_.is_error and "not in the history" in text[0], "an unknown revision is a tool error", text)
        r_, text = await call(s, "rollback_deployment", {"app": "tr-web", "revision": "1a2b3c4", "confirm": True})
        rb = r_.structured_content
        check(not r_.is_error and rb["executed"] and rb["to_history_id"] == 11 and "Rollback to 11" in rb["output"],
              "a confirmed rollback with --allow-write runs argocd app rollback", (rb, text))
        check(logged()[-1] == "app rollback tr-web 11", "the CLI got exactly `app rollback tr-web 11`", logged())
    os.unlink(log.name)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--slogen", required=True)
    p.add_argument("--prometheus", required=True)
    p.add_argument("--at", type=int, required=True)
    p.add_argument("--slos", required=True)
    p.add_argument("--argocd-dir", required=True)
    ARGS = p.parse_args()
    asyncio.run(main_conversation())
    asyncio.run(concurrent_calls())
    asyncio.run(prometheus_down())
    disconnect_mid_call()
    asyncio.run(argocd())
    print("MCP conversation: all checks passed")


if __name__ == "__main__":
    main()
