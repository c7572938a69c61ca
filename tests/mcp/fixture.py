#!/usr/bin/env python3
"""Writes the MCP tests' Prometheus history as OpenMetrics: the series Sloth-style rules record.

Three days at a 5-minute resolution, ending at END (printed on stdout), for the three SLOs of
slos/: `slo:sli_error:ratio_rate<window>` for every window, and the metadata series
(`slo:objective:ratio`, `slo:error_budget:ratio`, `slo:time_period:days`,
`slo:current_burn_rate:ratio`, `slo:period_burn_rate:ratio`,
`slo:period_error_budget_remaining:ratio`, `sloth_slo_info`). The values follow from a simple
traffic story, computed here and not by slogen:

- tr-web availability fails 0.02% of requests, 3% for 8 hours a day and a half earlier, and 3%
  again during the last 2 hours (the incident, still going on); before the history, the steady
  0.02% fills the 30-day window. About 62% of its budget is spent at the end;
- tr-web latency is 0.2% slow; Prometheus runs it with objective 99.5 while the spec says 99
  (drift);
- api-gateway fails 0.01%;
- checkout runs in Prometheus with no spec in slos/ (drift), and has a ticket alert firing for
  the last 6 hours;
- `ALERTS` and `ALERTS_FOR_STATE` hold what Prometheus writes while tr-web's page alert
  (5m and 1h error ratios above 14.4 × 0.001) fires.

    python3 tests/mcp/fixture.py OUT.om   # then promtool tsdb create-blocks-from openmetrics
"""
import sys

END = 1794999600  # 2026-11-18T11:00:00Z, an hour boundary
STEP = 300
N = 3 * 24 * 12
WINDOWS = {"5m": 300, "30m": 1800, "1h": 3600, "2h": 7200, "6h": 21600, "1d": 86400, "3d": 259200, "30d": 2592000}
SLOS = [
    ("tr-web", "requests-availability", 99.9, "99.9"),
    ("tr-web", "requests-latency", 99.0, "99.5"),
    ("api-gateway", "requests-availability", 99.95, "99.95"),
    ("checkout", "requests-availability", 99.5, "99.5"),
]
INCIDENT = 2 * 3600


def error_ratio(svc, slo, t):
    """The true error ratio of the 5 minutes ending at t."""
    if svc == "api-gateway":
        return 0.0001
    if svc == "checkout":
        return 0.006 if t > END - 6 * 3600 else 0.001
    if slo == "requests-latency":
        return 0.002
    if t > END - INCIDENT or END - 36 * 3600 < t <= END - 28 * 3600:
        return 0.03
    return 0.0002


def window_ratio(svc, slo, t, window, _sums={}):
    """Mean error ratio over the window ending at t (equal traffic in every 5 minutes); before the
    history starts, traffic fails at the steady rate."""
    start = END - (N - 1) * STEP
    key = (svc, slo)
    if key not in _sums:
        acc = [0.0]
        for i in range(N):
            acc.append(acc[-1] + error_ratio(svc, slo, start + i * STEP))
        _sums[key] = acc
    acc = _sums[key]
    n = WINDOWS[window] // STEP
    last = (t - start) // STEP  # index of the sample at t
    first = max(0, last - n + 1)
    inside = acc[last + 1] - acc[first]
    missing = n - (last + 1 - first)
    return (inside + error_ratio(svc, slo, start) * missing) / n


def main(path):
    families = {}

    def add(name, labels, fn):
        lines = families.setdefault(name, ["# TYPE %s gauge" % name])
        for i in range(N):
            t = END - (N - 1 - i) * STEP
            lines.append("%s{%s} %r %d" % (name, labels, fn(t), t))

    for svc, slo, objective, running in SLOS:
        ids = 'sloth_id="%s-%s",sloth_service="%s",sloth_slo="%s"' % (svc, slo, svc, slo)
        budget = 1 - objective / 100
        cache = {}

        def ratio(t, w, svc=svc, slo=slo, cache=cache):
            if (t, w) not in cache:
                cache[(t, w)] = window_ratio(svc, slo, t, w)
            return cache[(t, w)]

        for w in WINDOWS:
            add("slo:sli_error:ratio_rate" + w, ids + ',sloth_window="%s"' % w, lambda t, w=w: ratio(t, w))
        add("slo:objective:ratio", ids, lambda t, o=objective: o / 100)
        add("slo:error_budget:ratio", ids, lambda t, b=budget: b)
        add("slo:time_period:days", ids, lambda t: 30)
        add("slo:current_burn_rate:ratio", ids, lambda t, b=budget: ratio(t, "5m") / b)
        add("slo:period_burn_rate:ratio", ids, lambda t, b=budget: ratio(t, "30d") / b)
        add("slo:period_error_budget_remaining:ratio", ids, lambda t, b=budget: 1 - ratio(t, "30d") / b)
        info = ids + ',sloth_mode="cli-gen-prom",sloth_objective="%s",sloth_spec="prometheus/v1",sloth_version="v0.1.0"' % running
        add("sloth_slo_info", info, lambda t: 1)
    page = 'alertname="TrWebHighErrorRate",category="availability",severity="critical",sloth_id="tr-web-requests-availability",sloth_service="tr-web",sloth_slo="requests-availability",sloth_severity="page"'
    ticket = 'alertname="CheckoutErrors",sloth_id="checkout-requests-availability",sloth_service="checkout",sloth_slo="requests-availability",sloth_severity="ticket"'
    alerts, for_state = ["# TYPE ALERTS gauge"], ["# TYPE ALERTS_FOR_STATE gauge"]
    active = None
    for i in range(N):
        t = END - (N - 1 - i) * STEP
        r5, r1h = (window_ratio("tr-web", "requests-availability", t, w) for w in ("5m", "1h"))
        if r5 > 14.4 * 0.001 and r1h > 14.4 * 0.001:
            active = t if active is None else active
            alerts.append('ALERTS{alertstate="firing",%s} 1 %d' % (page, t))
            for_state.append("ALERTS_FOR_STATE{%s} %d %d" % (page, active, t))
        else:
            active = None
        if t > END - 6 * 3600:
            alerts.append('ALERTS{alertstate="firing",%s} 1 %d' % (ticket, t))
            for_state.append("ALERTS_FOR_STATE{%s} %d %d" % (ticket, END - 6 * 3600 + STEP, t))
    families["ALERTS"], families["ALERTS_FOR_STATE"] = alerts, for_state
    with open(path, "w") as f:
        for lines in families.values():
            f.write("\n".join(lines) + "\n")
        f.write("# EOF\n")
    print(END)


if __name__ == "__main__":
    main(sys.argv[1])
