#!/usr/bin/env python3
"""slogen serve in a real browser: headless Chromium driven through WebDriver (selenium).

usage: browser.py EXPECTATIONS.json SCREENSHOT_DIR

EXPECTATIONS.json (written by tests/integration/serve_browser.rs) holds the URLs of three
running `slogen serve` processes (the main Prometheus fixture, the grouped fixture, a
Prometheus that refuses connections), the Prometheus fixture's URL, and `slogen budget
--format json` at the same --time. The script loads the overview and SLO pages, checks the
DOM (rows, budget figures, policy levels and their colours, the filter, charts with data, the
XSS fixture shown as text, the Prometheus-down banner), follows a query link into
Prometheus's own graph page, and saves a PNG screenshot of every page it checks. It prints
one line per check and exits non-zero at the first failure (after a screenshot of it).
"""
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHECKS = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    CHECKS.append(what)
    print("ok:", what, flush=True)


def driver(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1500,1100", f"--user-data-dir={profile}",
    ]:
        opts.add_argument(flag)
    # The chromedriver path is explicit, so Selenium Manager never tries to download one.
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def pct(ratio):
    return f"{ratio * 100:.2f}%"


def hex_to_rgb(h):
    return "rgb({}, {}, {})".format(int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16))


def visible_ids(d):
    """The data-id of every shown row, read in one step (the script may replace the rows)."""
    return d.execute_script(
        "return Array.from(document.querySelectorAll('#slo-table tr.slo-row'))"
        ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.dataset.id);")


def shown_row(d, i):
    """The i-th shown row."""
    return d.find_elements(By.CSS_SELECTOR, "#slo-table tr.slo-row:not([hidden])")[i]


def wait_rows(d, n):
    """Waits until `n` rows show; their IDs."""
    WebDriverWait(d, 10).until(lambda d: len(visible_ids(d)) == n)
    return visible_ids(d)


def xss_ran(d):
    return d.execute_script("return typeof window.__xss === 'undefined' ? null : String(window.__xss);")


def main():
    exp = json.load(open(sys.argv[1]))
    shots = sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="slogen-chromium-")
    d = driver(profile)
    d.set_page_load_timeout(30)
    shot = lambda name: d.save_screenshot(os.path.join(shots, name))
    try:
        run(d, exp, shot)
    except Exception:
        shot("failure.png")
        print("failed at", d.current_url, file=sys.stderr)
        raise
    finally:
        d.quit()
    print(f"{len(CHECKS)} checks passed")


def run(d, exp, shot):
    main_url, budget = exp["main"], exp["budget"]["slos"]
    colours = exp["colours"]

    # The overview: one row per SLO, the figures of `slogen budget`, in its order.
    d.get(main_url + "/")
    ids = wait_rows(d, len(budget) + 1)
    check(ids == [b["id"] for b in budget] + ["xss-shop-checkout-availability"],
          f"overview rows in budget's order: {ids}")
    for b in budget:
        row = d.find_element(By.CSS_SELECTOR, f'tr.slo-row[data-id="{b["id"]}"]')
        cell = row.find_element(By.CSS_SELECTOR, "td.budget").text
        if b["budget_remaining_ratio"] is None:
            check(cell in ("NaN (no traffic)", "no data"), f'{b["id"]}: budget cell {cell!r}')
            level = "unknown"
        else:
            check(cell == pct(b["budget_remaining_ratio"]), f'{b["id"]}: budget {cell} = {pct(b["budget_remaining_ratio"])}')
            check(float(row.get_attribute("data-budget")) == b["budget_remaining_ratio"],
                  f'{b["id"]}: exact budget {b["budget_remaining_ratio"]}')
            level = b["policy_level"]
        badge = row.find_element(By.CSS_SELECTOR, "td.policy .level")
        check(badge.get_attribute("class") == f"level level-{level}", f'{b["id"]}: policy level {level}')
        if level != "unknown":
            bg = badge.value_of_css_property("background-color").replace("rgba", "rgb").replace(", 1)", ")")
            check(bg == hex_to_rgb(colours[level]), f'{b["id"]}: {level} badge in {colours[level]} ({bg})')
        if b["budget_remaining_ratio"] is not None:
            spark = row.find_element(By.CSS_SELECTOR, "td.trend svg path.series")
            check(int(spark.get_attribute("data-points")) > 0, f'{b["id"]}: sparkline has points')
    gateway = d.find_element(By.CSS_SELECTOR, 'tr.slo-row[data-id="api-gateway-requests-availability"]')
    check("ApiGatewayHighErrorRate (page)" in gateway.find_element(By.CSS_SELECTOR, "td.alerts").text,
          "the firing page alert shows")
    check("over" in gateway.find_element(By.CSS_SELECTOR, "td.burn-page span").get_attribute("class"),
          "the page window's burn rate is marked over its factor")
    check(xss_ran(d) is None, "no injected script ran on the overview")
    shot("overview.png")

    # The filter, as a user drives it (JavaScript filters in place).
    form = d.find_element(By.ID, "filters")
    Select(form.find_element(By.NAME, "service")).select_by_value("tr-web")
    ids = wait_rows(d, 2)
    check(set(ids) == {"tr-web-requests-availability", "tr-web-requests-latency"}, "service filter keeps tr-web's 2 SLOs")
    check(d.find_element(By.ID, "shown").text == "2", "the count follows the filter")
    check("service=tr-web" in d.current_url, "the URL carries the filter")
    search = form.find_element(By.NAME, "q")
    search.send_keys("latency")
    check(wait_rows(d, 1) == ["tr-web-requests-latency"], "search narrows to the latency SLO")
    search.clear()
    search.send_keys(" ")
    Select(form.find_element(By.NAME, "service")).select_by_value("")
    form.find_element(By.NAME, "burning").click()
    check(wait_rows(d, 1) == ["api-gateway-requests-availability"], "burning now keeps the paging SLO")
    form.find_element(By.NAME, "burning").click()
    Select(form.find_element(By.NAME, "level")).select_by_value("cautious")
    check(wait_rows(d, 1) == ["tr-web-requests-availability"], "policy filter")
    shot("overview-filtered.png")
    # The same filter without JavaScript's help: the server filters the page it sends.
    d.get(main_url + "/?level=ship_freely")
    ids = wait_rows(d, 2)
    want = [b["id"] for b in budget if b["policy_level"] == "ship_freely"]
    check(ids == want, f"a filtered URL shows only its rows: {ids}")
    time.sleep(0.5)  # the script fetches every row, then filters them again
    check(wait_rows(d, 2) == want, "and keeps them once the script has every row")

    # An SLO page: figures, charts with data, every window pair, query links.
    gw = next(b for b in budget if b["id"] == "api-gateway-requests-availability")
    d.get(main_url + "/slo/api-gateway-requests-availability")
    check(d.find_element(By.ID, "budget").text.startswith(pct(gw["budget_remaining_ratio"])), "SLO page budget")
    check(d.find_element(By.ID, "policy").get_attribute("data-level") == gw["policy_level"], "SLO page level")
    for chart in ["budget-chart", "ratio-chart"]:
        paths = d.find_elements(By.CSS_SELECTOR, f"#{chart} svg path.series")
        n = sum(int(p.get_attribute("data-points")) for p in paths)
        check(len(paths) == 1 and n > 10, f"{chart}: one line with {n} points")
        box = d.find_element(By.CSS_SELECTOR, f"#{chart} svg").size
        check(box["width"] > 300 and box["height"] > 100, f"{chart} is drawn ({box})")
    conds = d.find_elements(By.CSS_SELECTOR, "#conditions tr.condition")
    check(len(conds) == 4, "four alert window pairs")
    holds = [c.get_attribute("data-severity") + "/" + c.get_attribute("data-speed")
             for c in conds if c.get_attribute("data-holds") == "1"]
    check(holds == exp["gateway_holds"], f"the conditions the traffic model has hold: {holds}")
    check(conds[0].find_element(By.CSS_SELECTOR, "td.factor").text == "14.4x", "factor 14.4x")
    check(conds[0].find_element(By.CSS_SELECTOR, "td.detection").text == "26s", "detects a full outage in 26s")
    links = d.find_elements(By.CSS_SELECTOR, "#queries a.graph-link")
    check(len(links) >= 7, f"{len(links)} query links")
    shot("slo.png")

    # A query link opens Prometheus's graph page with the expression in it.
    expr = d.find_elements(By.CSS_SELECTOR, "#queries pre code")[0].text
    links[0].click()
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "textarea[name=expr]"))
    box = d.find_element(By.CSS_SELECTOR, "textarea[name=expr]")
    WebDriverWait(d, 10).until(lambda d: box.get_attribute("value"))
    check(d.current_url.startswith(exp["prometheus"]), "the link goes to the Prometheus fixture")
    check(box.get_attribute("value") == expr, f"Prometheus's graph page holds the query: {expr}")
    shot("prometheus-graph.png")

    # The XSS fixture: every string shows as text, nothing runs.
    d.get(main_url + "/slo/xss-shop-checkout-availability")
    desc = d.find_element(By.ID, "description").text
    check("<script>window.__xss = 'description'</script>" in desc and "{{ 7 * 7 }}" in desc,
          "the description shows as text, template syntax included")
    page = d.find_element(By.TAG_NAME, "main").text
    check("<script>window.__xss = 'label'</script>" in page, "a label value shows as text")
    check("javascript:window.__xss='runbook'" in page, "a javascript: runbook shows as text")
    check(not d.find_elements(By.CSS_SELECTOR, "a[href^='javascript']"), "and is not a link")
    check(not d.find_elements(By.CSS_SELECTOR, "main img, main b, main i"), "no injected elements")
    check(xss_ran(d) is None, "no injected script ran on the SLO page")
    shot("xss.png")
    d.get(main_url + "/?q=xss")
    wait_rows(d, 1)
    link = shown_row(d, 0).find_element(By.CSS_SELECTOR, "td.slo a")
    check(link.get_attribute("title").startswith("<script>window.__xss"), "a description in an attribute stays text")
    check(xss_ran(d) is None, "no injected script ran in the filtered overview")

    # Grouped SLOs: one row per group, worst first; a group label that is markup is text.
    d.get(exp["grouped"] + "/")
    wait_rows(d, 3)
    rows = d.find_elements(By.CSS_SELECTOR, "#slo-table tr.slo-row")
    groups = [r.find_element(By.CSS_SELECTOR, ".group").text for r in rows]
    check(groups == exp["grouped_order"], f"groups worst first: {groups}")
    check([r.get_attribute("data-level") for r in rows] == exp["grouped_levels"], "group levels")
    check(xss_ran(d) is None, "no script from a Prometheus label value ran")
    shot("grouped.png")
    d.get(exp["grouped"] + "/slo/checkout-requests-availability")
    paths = d.find_elements(By.CSS_SELECTOR, "#budget-chart svg path.series")
    check(len(paths) == 3, "the burn-down has one line per group")
    check(len(d.find_elements(By.CSS_SELECTOR, "#group-table tr.group-row")) == 3, "the groups table")
    check(xss_ran(d) is None, "no script ran on the grouped SLO page")
    shot("grouped-slo.png")

    # Prometheus down: a banner naming the problem, the specs' SLOs still listed.
    d.get(exp["down"] + "/")
    banner = d.find_element(By.ID, "prometheus-banner")
    check(banner.is_displayed() and "connection refused" in banner.text, f"the down banner: {banner.text}")
    check(len(visible_ids(d)) == 2, "the specs' SLOs still list")
    shot("prometheus-down.png")


if __name__ == "__main__":
    main()
