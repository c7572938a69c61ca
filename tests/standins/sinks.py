#!/usr/bin/env python3
"""Loopback stand-ins for GitHub's REST API (issues) and a Slack incoming webhook.

GitHub and Slack cannot run here, so `slogen incidents` is tested against this server, which
speaks the documented shapes (docs.github.com/en/rest/issues, api.slack.com/messaging/webhooks)
and records every request. It is a test double of the network services, not of slogen.

GitHub (any path prefix before /repos, e.g. /api/v3 for GitHub Enterprise):
  POST  /repos/{owner}/{repo}/issues                    201, the issue
  GET   /repos/{owner}/{repo}/issues?state=&labels=      200, issues, newest first
  GET   /repos/{owner}/{repo}/issues/{n}                 200, the issue
  PATCH /repos/{owner}/{repo}/issues/{n}                 200, the issue (state, state_reason)
  POST  /repos/{owner}/{repo}/issues/{n}/comments        201, the comment
  Each needs `Authorization: Bearer <token>` (else 401 "Bad credentials", as GitHub answers)
  and `Accept: application/vnd.github+json` (else 415); bodies are checked for the
  documented types (422 "Validation Failed" otherwise).
Slack:
  POST  /slack/{anything}                                200 "ok"; Block Kit checked: a JSON
  object with `text` or `blocks`, blocks with a `type`, header text plain_text of at most 150
  characters (else 400 "invalid_blocks", as Slack answers).
Control (for the tests):
  GET   /_standin/requests   every request so far: method, path, query, auth_ok, accept,
                             api_version, status answered, body (parsed JSON)
  GET   /_standin/issues     the issues and their comments
  POST  /_standin/fail       {"method": "POST", "path_suffix": "/issues", "status": 502,
                             "times": 1, "create_anyway": false}: the next matching requests
                             are answered with that status (after doing the work when
                             create_anyway, like a proxy that loses GitHub's answer)
  POST  /_standin/delay      {"seconds": 0.05}: every sink request waits this long first

usage: sinks.py --port PORT --token TOKEN [--host 127.0.0.1]
"""
import argparse
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
REQUESTS = []
ISSUES = {}  # (owner, repo) -> list of issues
FAILURES = []
DELAY = [0.0]
NEXT_ID = [1000]

ISSUES_RE = re.compile(r"^(?:/.*)?/repos/([^/]+)/([^/]+)/issues$")
ISSUE_RE = re.compile(r"^(?:/.*)?/repos/([^/]+)/([^/]+)/issues/(\d+)$")
COMMENTS_RE = re.compile(r"^(?:/.*)?/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$")


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    token = ""

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed
        # ACKs hold each keep-alive answer for ~40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, obj, content_type="application/json; charset=utf-8"):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"__unparsed__": raw.decode("utf-8", "replace")}

    def handle_any(self, method):
        url = urlsplit(self.path)
        body = self.read_body() if method in ("POST", "PATCH") else None
        if url.path.startswith("/_standin/"):
            return self.control(method, url.path, body)
        if DELAY[0]:
            time.sleep(DELAY[0])
        rec = {
            "method": method,
            "path": url.path,
            "query": parse_qs(url.query),
            "auth_ok": self.headers.get("Authorization") == f"Bearer {self.token}",
            "accept": self.headers.get("Accept"),
            "api_version": self.headers.get("X-GitHub-Api-Version"),
            "user_agent": self.headers.get("User-Agent"),
            "body": body,
        }
        status = self.route(method, url, body, rec)
        rec["status"] = status
        with LOCK:
            REQUESTS.append(rec)

    def failure(self, method, path):
        with LOCK:
            for f in FAILURES:
                if f["times"] > 0 and f.get("method", method) == method and path.endswith(f.get("path_suffix", "")):
                    f["times"] -= 1
                    return f
        return None

    def route(self, method, url, body, rec):
        path = url.path
        if path.startswith("/slack/"):
            fail = self.failure(method, path)
            if fail:
                return self.reply(fail["status"], b"service_unavailable", "text/plain")
            return self.slack(body)
        if not rec["auth_ok"]:
            return self.reply(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        if rec["accept"] != "application/vnd.github+json":
            return self.reply(415, {"message": "Unsupported 'Accept' header: expected application/vnd.github+json"})
        fail = self.failure(method, path)
        if fail and not fail.get("create_anyway"):
            return self.reply(fail["status"], {"message": "Server Error"})
        status, obj = self.github(method, url, body)
        if fail:
            return self.reply(fail["status"], {"message": "Bad Gateway"})
        return self.reply(status, obj)

    def github(self, method, url, body):
        m = ISSUES_RE.match(url.path)
        if m and method == "POST":
            if not isinstance(body, dict) or not isinstance(body.get("title"), str) or not body["title"]:
                return 422, {"message": "Validation Failed", "errors": [{"field": "title", "code": "missing_field"}]}
            if not isinstance(body.get("body", ""), str):
                return 422, {"message": "Validation Failed", "errors": [{"field": "body", "code": "invalid"}]}
            labels = body.get("labels", [])
            if not isinstance(labels, list) or not all(isinstance(l, str) for l in labels):
                return 422, {"message": "Validation Failed", "errors": [{"field": "labels", "code": "invalid"}]}
            with LOCK:
                issues = ISSUES.setdefault(m.groups(), [])
                NEXT_ID[0] += 1
                number = len(issues) + 1
                issue = {
                    "id": NEXT_ID[0], "number": number, "title": body["title"], "body": body.get("body", ""),
                    "state": "open", "state_reason": None, "labels": [{"name": l} for l in labels],
                    "html_url": f"https://github.example/{m.group(1)}/{m.group(2)}/issues/{number}",
                    "url": f"http://{self.headers.get('Host')}/repos/{m.group(1)}/{m.group(2)}/issues/{number}",
                    "comments": 0, "comment_bodies": [], "created_at": now(), "closed_at": None,
                }
                issues.append(issue)
            return 201, public(issue)
        if m and method == "GET":
            q = parse_qs(url.query)
            state = q.get("state", ["open"])[0]
            want = set(q.get("labels", [""])[0].split(",")) - {""}
            with LOCK:
                found = [public(i) for i in reversed(ISSUES.get(m.groups(), []))
                         if (state == "all" or i["state"] == state)
                         and want <= {l["name"] for l in i["labels"]}]
            per_page = int(q.get("per_page", ["30"])[0])
            return 200, found[:per_page]
        m = ISSUE_RE.match(url.path)
        if m:
            issue = self.find(m)
            if issue is None:
                return 404, {"message": "Not Found"}
            if method == "GET":
                return 200, public(issue)
            if method == "PATCH":
                if not isinstance(body, dict) or body.get("state", "open") not in ("open", "closed"):
                    return 422, {"message": "Validation Failed"}
                with LOCK:
                    if body.get("state") == "closed" and issue["state"] != "closed":
                        issue["closed_at"] = now()
                    issue["state"] = body.get("state", issue["state"])
                    issue["state_reason"] = body.get("state_reason", issue["state_reason"])
                return 200, public(issue)
        m = COMMENTS_RE.match(url.path)
        if m and method == "POST":
            issue = self.find(m)
            if issue is None:
                return 404, {"message": "Not Found"}
            if not isinstance(body, dict) or not isinstance(body.get("body"), str) or not body["body"]:
                return 422, {"message": "Validation Failed", "errors": [{"field": "body", "code": "missing_field"}]}
            with LOCK:
                issue["comments"] += 1
                issue["comment_bodies"].append(body["body"])
                NEXT_ID[0] += 1
                cid = NEXT_ID[0]
            return 201, {"id": cid, "body": body["body"], "html_url": issue["html_url"] + f"#issuecomment-{cid}"}
        return 404, {"message": "Not Found"}

    def find(self, m):
        owner, repo, number = m.group(1), m.group(2), int(m.group(3))
        with LOCK:
            for i in ISSUES.get((owner, repo), []):
                if i["number"] == number:
                    return i
        return None

    def slack(self, body):
        if not isinstance(body, dict) or not (isinstance(body.get("text"), str) or isinstance(body.get("blocks"), list)):
            return self.reply(400, b"invalid_payload", "text/plain")
        for b in body.get("blocks", []):
            if not isinstance(b, dict) or "type" not in b:
                return self.reply(400, b"invalid_blocks", "text/plain")
            if b["type"] == "header":
                t = b.get("text", {})
                if t.get("type") != "plain_text" or not 0 < len(t.get("text", "")) <= 150:
                    return self.reply(400, b"invalid_blocks", "text/plain")
        return self.reply(200, b"ok", "text/plain")

    def control(self, method, path, body):
        if path == "/_standin/requests" and method == "GET":
            with LOCK:
                return self.reply(200, list(REQUESTS))
        if path == "/_standin/issues" and method == "GET":
            with LOCK:
                return self.reply(200, {f"{o}/{r}": v for (o, r), v in ISSUES.items()})
        if path == "/_standin/fail" and method == "POST":
            with LOCK:
                FAILURES.append(dict(body))
            return self.reply(200, {"ok": True})
        if path == "/_standin/delay" and method == "POST":
            DELAY[0] = float(body.get("seconds", 0))
            return self.reply(200, {"ok": True})
        return self.reply(404, {"message": "Not Found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")


def public(issue):
    return {k: v for k, v in issue.items() if k != "comment_bodies"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--token", required=True)
    a = ap.parse_args()
    Handler.token = a.token
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    srv.daemon_threads = True
    print(f"listening on {a.host}:{a.port}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
