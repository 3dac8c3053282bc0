"""Load: 50 logged-in users on the production server (gunicorn, PostgreSQL), p50/p95/p99 per kind of request.

What it does (``python -m benchmarks.load --help``):

1. Unless ``--url`` aims it at a running server: drops and creates the PostgreSQL database
   ``fakturaflyt_load`` (``--db``), runs ``fakturaflyt migrate`` and ``fakturaflyt demo``, puts
   ``--seed`` extra EHF supplier invoices from the demo suppliers into the inbox with
   ``fakturaflyt import`` (a company with some history, not an empty one), and starts
   ``fakturaflyt run --no-demo``: the production command, gunicorn with its default of one
   worker per core. ``FAKTURAFLYT_REQUIRE_2FA=0``: the virtual users log in with passwords.
2. ``--users`` virtual users (default 50), started evenly over ``--ramp`` seconds, each log in
   through the real login form (CSRF token from the page) as one of the demo users: accountant,
   approver, admin and auditor, in the proportions of an ordinary office. Each then loops over
   the traffic of its role, weighted, with a think time between requests (``--think``, default
   2-8 s, an office worker's pace: read a page, click; ``--think 0.5-1.5`` is a robot's): the
   supplier-invoice inbox, a document's page, the approvals list and an approval, uploads of an
   EHF file (from ``../shared/corpus/ehf``, with a new invoice number each time so that the
   duplicate check lets it through as a new invoice: the expensive, real path), the REST API
   read with the session, the dashboard, search, customer invoices, vouchers, payment runs,
   bank reconciliation and the card inbox.
3. Once every user is logged in (password hashing makes 50 logins take a while; they are not
   the traffic measured) and ``--warmup`` seconds more, ``--duration`` seconds are measured:
   requests that start inside that window count. A request counts as an error when it raises or answers with anything
   but 2xx/3xx. The table gives per kind and overall: count, req/s, p50/p95/p99 in ms, errors
   (with the first messages), and whether the target holds: p95 under 300 ms for pages and API
   reads with no errors (uploads are reported, not judged: they parse and check a whole
   invoice in the request).

The figures depend on what else the machine does: on a machine shared with other work they
are noisy, run twice before believing a regression. Exit code 0 even when the target is missed
(it is a benchmark); the last line says ``MET`` or ``MISSED``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FAKTURAFLYT_CORPUS", ROOT.parent / "shared" / "corpus"))
EHF_BASE = "ehf/examples/ehf-NO__ehf-3-faktura-1.xml"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fakturaflyt_load"
TARGET_P95_MS = 300.0
THINK = (2.0, 8.0)  # seconds between one user's requests (--think MIN-MAX)
LOGIN_TIMEOUT = 300.0  # 50 logins at once queue behind each other's password hashing
DEMO_SUPPLIERS = ("987654325", "998811228", "933123456", "976543211", "911223341")

# Who uses the system, in proportion: demo user e-mail per role and its share of the virtual users.
ROLE_SHARE = {"accountant": 0.4, "approver": 0.3, "admin": 0.1, "auditor": 0.2}

# What each role does, weighted. Every kind is one request; ``judged`` kinds count for the target.
TRAFFIC: dict[str, dict[str, int]] = {
    "accountant": {
        "inbox": 20,
        "document": 15,
        "approvals": 4,
        "upload_ehf": 4,
        "api_documents": 8,
        "api_document": 5,
        "api_vouchers": 4,
        "api_invoices": 4,
        "dashboard": 5,
        "search": 6,
        "customer_invoices": 6,
        "vouchers": 5,
        "payments": 3,
        "bank": 3,
        "cards": 3,
    },
    "approver": {
        "approvals": 25,
        "approval": 15,
        "inbox": 10,
        "document": 10,
        "api_pending": 8,
        "api_documents": 4,
        "dashboard": 5,
        "search": 4,
    },
    "admin": {
        "inbox": 10,
        "document": 8,
        "approvals": 3,
        "upload_ehf": 2,
        "api_documents": 5,
        "dashboard": 8,
        "search": 4,
        "customer_invoices": 5,
        "vouchers": 5,
        "payments": 3,
        "bank": 2,
        "cards": 2,
    },
    "auditor": {
        "inbox": 10,
        "document": 10,
        "api_documents": 6,
        "api_document": 4,
        "api_vouchers": 6,
        "api_invoices": 4,
        "dashboard": 4,
        "search": 5,
        "customer_invoices": 6,
        "vouchers": 8,
        "bank": 3,
        "cards": 2,
    },
}
NOT_JUDGED = {"upload_ehf"}
SEARCH_TERMS = ("Bergen", "Fjordnett", "Skyhavn", "husleie", "LT-", "1001", "kontor", "Hotell", "Solvik", "lisens")


# ----------------------------------------------------------------------------------- figures


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)  # ms, measured window only
    errors: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class Stats:
    kinds: dict[str, Kind] = field(default_factory=lambda: defaultdict(Kind))
    measuring: bool = False
    started: float = 0.0
    ended: float = 0.0
    setup_errors: list[str] = field(default_factory=list)

    def record(self, kind: str, ms: float, error: str | None, counted: bool) -> None:
        """One request; ``counted``: it started inside the measured window."""
        if not counted:
            return
        k = self.kinds[kind]
        k.latencies.append(ms)
        if error is not None:
            k.errors += 1
            if len(k.messages) < 3:
                k.messages.append(error)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[i]


# ----------------------------------------------------------------------------------- the data


def unique_ehf(template: bytes, n: int, buyer_orgnr: str, tag: str) -> bytes:
    """The corpus's Norwegian EHF with another invoice number (and seller), so each upload is a new invoice.

    Plain text replacement, not the EHF writer: the file stays what a real supplier sends.
    """
    text = template.decode("utf-8")
    text = re.sub(r"(<cbc:ID>)([^<]*)(</cbc:ID>)", rf"\g<1>{tag}-{n:06d}\g<3>", text, count=1)
    # Another day for each: the same amount on the same day from one supplier is held as a duplicate.
    issued = date(2024, 1, 1) + timedelta(days=n)
    text = re.sub(r"<cbc:IssueDate>[^<]*<", f"<cbc:IssueDate>{issued.isoformat()}<", text, count=1)
    text = re.sub(r"<cbc:DueDate>[^<]*<", f"<cbc:DueDate>{(issued + timedelta(days=20)).isoformat()}<", text, count=1)
    seller = DEMO_SUPPLIERS[n % len(DEMO_SUPPLIERS)]
    head, sep, tail = text.partition("<cac:AccountingCustomerParty>")
    head = re.sub(r"(schemeID=\"0192\">)\d{9}(<)", rf"\g<1>{seller}\g<2>", head)
    head = re.sub(r"NO\d{9}MVA", f"NO{seller}MVA", head)
    tail = re.sub(r"(schemeID=\"0192\">)\d{9}(<)", rf"\g<1>{buyer_orgnr}\g<2>", tail, count=2)
    tail = tail.replace("NO987654325MVA", f"NO{buyer_orgnr}MVA", 1)
    return (head + sep + tail).encode("utf-8")


# ----------------------------------------------------------------------------------- one user


@dataclass
class Shared:
    orgnr: str
    documents: list[int] = field(default_factory=list)
    pending: dict[str, list[int]] = field(default_factory=dict)  # role -> document ids to approve
    uploads: int = 0


class User:
    def __init__(
        self,
        base: str,
        email: str,
        password: str,
        role: str,
        shared: Shared,
        stats: Stats,
        think: tuple[float, float] = THINK,
    ) -> None:
        self.email, self.password, self.role, self.think = email, password, role, think
        self.shared, self.stats = shared, stats
        self.client = httpx.AsyncClient(base_url=base, timeout=60.0, follow_redirects=False)
        self.csrf = ""

    async def close(self) -> None:
        await self.client.aclose()

    async def login(self) -> None:
        page = await self.client.get("/login/", timeout=LOGIN_TIMEOUT)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"login page: HTTP {page.status_code}")
        r = await self.client.post(
            "/login/",
            data={"csrfmiddlewaretoken": token.group(1), "username": self.email, "password": self.password, "next": ""},
            headers={"Referer": f"{self.client.base_url}login/"},
            timeout=LOGIN_TIMEOUT,
        )
        if r.status_code != 302 or "/login/" in r.headers.get("location", ""):
            raise RuntimeError(f"login of {self.email}: HTTP {r.status_code} to {r.headers.get('location')}")
        self.csrf = self.client.cookies.get("csrftoken") or ""

    async def _timed(self, kind: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        t0, counted = time.perf_counter(), self.stats.measuring
        error: str | None = None
        response: httpx.Response | None = None
        try:
            response = await self.client.request(method, url, **kwargs)
            if response.status_code >= 400:
                error = f"{method} {url}: HTTP {response.status_code} {response.text[:160]!r}"
            elif response.status_code in (301, 302) and "/login/" in response.headers.get("location", ""):
                error = f"{method} {url}: sent to the login page"
        except httpx.HTTPError as exc:
            error = f"{method} {url}: {type(exc).__name__} {exc}"
        self.stats.record(kind, (time.perf_counter() - t0) * 1000, error, counted)
        return response

    async def refresh_ids(self) -> None:
        """Document ids from the API (as a browser takes them from the list), and what waits for approval."""
        api = f"/api/companies/{self.shared.orgnr}"
        if not self.shared.documents:
            r = await self.client.get(f"{api}/payables/documents", params={"limit": 300})
            if r.status_code == 200:
                self.shared.documents.extend(d["id"] for d in r.json()["documents"])
        if self.role in ("approver", "accountant", "admin") and self.role not in self.shared.pending:
            r = await self.client.get(f"{api}/approvals/pending")
            if r.status_code == 200:
                self.shared.pending[self.role] = [d["document"] for d in r.json()]

    async def step(self, kind: str, template: bytes) -> None:
        api = f"/api/companies/{self.shared.orgnr}"
        docs = self.shared.documents or [0]
        if kind == "inbox":
            page = random.choice(["", "", "", "?state=review", "?state=approval", "?page=2"])
            await self._timed(kind, "GET", f"/payables/inbox/{page}")
        elif kind == "document":
            await self._timed(kind, "GET", f"/payables/inbox/{random.choice(docs)}/")
        elif kind == "approvals":
            await self._timed(kind, "GET", "/approvals/")
        elif kind == "approval":
            ids = self.shared.pending.get(self.role) or []
            if ids:
                await self._timed(kind, "GET", f"/approvals/{random.choice(ids)}/")
            else:
                await self._timed("approvals", "GET", "/approvals/")
        elif kind == "upload_ehf":
            self.shared.uploads += 1
            data = unique_ehf(template, 1000 + self.shared.uploads, self.shared.orgnr, f"LT{os.getpid()}")
            r = await self._timed(
                kind,
                "POST",
                "/payables/inbox/upload/",
                files={"files": (f"faktura-{self.shared.uploads}.xml", data, "application/xml")},
                data={"csrfmiddlewaretoken": self.csrf},
                headers={"Accept": "application/json", "X-CSRFToken": self.csrf, "Referer": str(self.client.base_url)},
            )
            if r is not None and r.status_code == 200:
                for d in r.json().get("documents", []):
                    if isinstance(d.get("id"), int):
                        self.shared.documents.append(d["id"])
        elif kind == "api_documents":
            await self._timed(kind, "GET", f"{api}/payables/documents", params={"limit": 50})
        elif kind == "api_document":
            await self._timed(kind, "GET", f"{api}/payables/documents/{random.choice(docs)}")
        elif kind == "api_vouchers":
            await self._timed(kind, "GET", f"{api}/vouchers")
        elif kind == "api_invoices":
            await self._timed(kind, "GET", f"{api}/invoices")
        elif kind == "api_pending":
            await self._timed(kind, "GET", f"{api}/approvals/pending")
        elif kind == "dashboard":
            await self._timed(kind, "GET", "/dashboards/")
        elif kind == "search":
            await self._timed(kind, "GET", "/search/", params={"q": random.choice(SEARCH_TERMS)})
        elif kind == "customer_invoices":
            await self._timed(kind, "GET", "/receivables/invoices/")
        elif kind == "vouchers":
            await self._timed(kind, "GET", "/ledger/")
        elif kind == "payments":
            await self._timed(kind, "GET", "/payments/")
        elif kind == "bank":
            await self._timed(kind, "GET", "/banking/reconcile/")
        elif kind == "cards":
            await self._timed(kind, "GET", "/cards/")
        else:  # pragma: no cover - a typo in TRAFFIC
            raise ValueError(kind)

    async def loop(self, stop: asyncio.Event, template: bytes) -> None:
        kinds, weights = zip(*TRAFFIC[self.role].items(), strict=True)
        while not stop.is_set():
            await self.step(random.choices(kinds, weights)[0], template)
            try:
                await asyncio.wait_for(stop.wait(), random.uniform(*self.think))
            except TimeoutError:
                pass


# ----------------------------------------------------------------------------------- the run


async def drive(
    base: str,
    orgnr: str,
    users: list[dict[str, str]],
    n: int,
    ramp: float,
    warmup: float,
    duration: float,
    think: tuple[float, float] = THINK,
) -> Stats:
    stats = Stats()
    shared = Shared(orgnr=orgnr)
    by_role = {u["role"]: u for u in users}
    roles = [r for r in ROLE_SHARE if r in by_role]
    plan: list[str] = []
    for role in roles:
        plan += [role] * max(1, round(n * ROLE_SHARE[role]))
    plan = (plan * n)[:n]
    random.shuffle(plan)
    template = (CORPUS / EHF_BASE).read_bytes()
    t_start = time.monotonic()
    stop = asyncio.Event()
    settled = 0  # users logged in (or given up)
    all_in = asyncio.Event()

    async def one(i: int, role: str) -> None:
        nonlocal settled
        await asyncio.sleep(ramp * i / max(1, n))
        u = by_role[role]
        user = User(base, u["email"], u["password"], role, shared, stats, think)
        try:
            try:
                await user.login()
                await user.refresh_ids()
            except (RuntimeError, httpx.HTTPError, ValueError, KeyError) as exc:
                stats.setup_errors.append(f"{role}: {type(exc).__name__} {exc}")
                return
            finally:
                settled += 1
                if settled == n:
                    all_in.set()
            await user.loop(stop, template)
        finally:
            await user.close()

    async def clock() -> None:
        # Logging in hashes a password (PBKDF2, about a second of CPU on this machine): the logins
        # are not the traffic being measured, so the clock starts once everyone is in, after a warm-up.
        await all_in.wait()
        logins = time.monotonic() - t_start
        print(f"# {n - len(stats.setup_errors)} of {n} users logged in after {logins:.0f} s", flush=True)
        await asyncio.sleep(warmup)
        stats.measuring, stats.started = True, time.monotonic()
        await asyncio.sleep(duration)
        stats.measuring, stats.ended = False, time.monotonic()
        stop.set()

    await asyncio.gather(clock(), *(one(i, role) for i, role in enumerate(plan)))
    stats.ended = stats.ended or time.monotonic()
    return stats


def report(stats: Stats, users: int, duration: float) -> tuple[list[tuple[str, str]], bool]:
    """The table (printed) and the figures as (label, figure) rows for ``make bench``; and whether the target holds."""
    elapsed = max(1e-9, (stats.ended or time.monotonic()) - stats.started)
    header = f"{'kind':<18}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    print(header)
    print("-" * len(header))
    rows: list[tuple[str, str]] = []
    judged: list[float] = []
    errors = 0
    all_ms: list[float] = []
    for name in sorted(stats.kinds):
        k = stats.kinds[name]
        ms = k.latencies
        all_ms += ms
        errors += k.errors
        if name not in NOT_JUDGED:
            judged += ms
        mark = "" if name not in NOT_JUDGED else "  (not judged)"
        print(
            f"{name:<18}{len(ms):>7}{len(ms) / elapsed:>8.1f}{_pct(ms, 50):>9.0f}{_pct(ms, 95):>9.0f}"
            f"{_pct(ms, 99):>9.0f}{max(ms, default=0):>9.0f}{k.errors:>8}{mark}"
        )
        rows.append(
            (
                f"load {name}: p50/p95/p99 ms, errors",
                f"{_pct(ms, 50):.0f}/{_pct(ms, 95):.0f}/{_pct(ms, 99):.0f}, {k.errors}",
            )
        )
    print("-" * len(header))
    print(
        f"{'all':<18}{len(all_ms):>7}{len(all_ms) / elapsed:>8.1f}{_pct(all_ms, 50):>9.0f}{_pct(all_ms, 95):>9.0f}"
        f"{_pct(all_ms, 99):>9.0f}{max(all_ms, default=0):>9.0f}{errors:>8}"
    )
    p95 = _pct(judged, 95)
    print(
        f"{'pages + API reads':<18}{len(judged):>7}{len(judged) / elapsed:>8.1f}{_pct(judged, 50):>9.0f}{p95:>9.0f}"
        f"{_pct(judged, 99):>9.0f}{max(judged, default=0):>9.0f}"
    )
    for name, k in sorted(stats.kinds.items()):
        for m in k.messages:
            print(f"  error {name}: {m}")
    for m in stats.setup_errors[:5]:
        print(f"  setup error: {m}")
    met = bool(judged) and p95 < TARGET_P95_MS and errors == 0 and not stats.setup_errors
    verdict = "MET" if met else "MISSED"
    print(
        f"\n{users} users, {elapsed:.0f} s measured: {len(all_ms) / elapsed:.1f} req/s, p95 of pages and API reads "
        f"{p95:.0f} ms (target < {TARGET_P95_MS:.0f} ms), {errors} errors, {len(stats.setup_errors)} failed logins: "
        f"target {verdict}"
    )
    rows = [
        ("load: virtual users, measured seconds", f"{users}, {elapsed:.0f}"),
        ("load: throughput (all requests)", f"{len(all_ms) / elapsed:.1f} req/s"),
        ("load: pages + API reads p50/p95/p99", f"{_pct(judged, 50):.0f}/{p95:.0f}/{_pct(judged, 99):.0f} ms"),
        ("load: errors", str(errors + len(stats.setup_errors))),
        *rows,
        ("load: target p95 < 300 ms, 0 errors", verdict),
    ]
    return rows, met


# ----------------------------------------------------------------------------------- the server


def _cli(*args: str, env: dict[str, str], capture: bool = False) -> str:
    exe = str(Path(sys.executable).with_name("fakturaflyt"))
    cmd = [exe, *args] if Path(exe).exists() else [sys.executable, "-m", "fakturaflyt", *args]
    done = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, capture_output=True)
    return done.stdout if capture else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recreate_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(env: dict[str, str], orgnr: str, n: int, var: Path) -> None:
    """``n`` supplier invoices from the demo suppliers through ``fakturaflyt import``: an inbox with some history."""
    if n <= 0:
        return
    folder = var / "seed"
    folder.mkdir(exist_ok=True)
    template = (CORPUS / EHF_BASE).read_bytes()
    for i in range(n):
        (folder / f"seed-{i:05d}.xml").write_bytes(unique_ehf(template, i, orgnr, "SEED"))
    _cli("migrate", env=env)  # again: a checkout being worked on may have grown a migration since
    try:
        _cli("import", str(folder), "--company", orgnr, "--json", env=env)
    except subprocess.CalledProcessError as exc:  # exit 1: some were quarantined, which is real life too
        if exc.returncode != 1:
            raise


class Server:
    """``fakturaflyt run --no-demo`` on a fresh PostgreSQL database with the demo company."""

    def __init__(self, db_url: str, seed: int, workers: int) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="ff-load-"))
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "FAKTURAFLYT_VAR": str(self.var),
            "FAKTURAFLYT_REQUIRE_2FA": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            # as deploy/env.example sets it for production: a worker keeps its database connection
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self.db_url, self.seed, self.workers = db_url, seed, workers
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> tuple[str, list[dict[str, str]]]:
        t0 = time.monotonic()
        _recreate_database(self.db_url)
        _cli("migrate", env=self.env)
        t1 = time.monotonic()
        demo = json.loads(_cli("demo", "--json", env=self.env, capture=True))
        t2 = time.monotonic()
        _seed(self.env, demo["orgnr"], self.seed, self.var)
        print(f"# demo loaded in {t2 - t1:.0f} s, {self.seed} EHF invoices imported in {time.monotonic() - t2:.0f} s")
        print(f"# database ready in {time.monotonic() - t0:.0f} s (demo + {self.seed} extra EHF invoices)", flush=True)
        exe = str(Path(sys.executable).with_name("fakturaflyt"))
        args = [exe, "run", "--no-demo", "--port", str(self.port)]
        if self.workers:
            args += ["--workers", str(self.workers)]
        self.log = open(self.var / "server.log", "wb")
        self.proc = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped; see {self.var / 'server.log'}")
            try:
                if httpx.get(f"{base}/login/", timeout=2).status_code == 200:
                    return base, demo
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the server did not answer within 120 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "log", None):
            self.log.close()


def _demo_users(demo: dict[str, Any]) -> list[dict[str, str]]:
    return [u for u in demo["users"] if u["role"] in ROLE_SHARE]


def main(argv: list[str] | None = None) -> tuple[list[tuple[str, str]], bool]:
    env = os.environ
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running server (the demo company loaded, 2FA off); default: start one")
    p.add_argument("--orgnr", default="924753811", help="the demo company's org.nr (with --url)")
    p.add_argument("--db", default=env.get("LOAD_DATABASE_URL", DEFAULT_DB), help="PostgreSQL database to (re)create")
    p.add_argument("--users", type=int, default=int(env.get("LOAD_USERS", "50")))
    p.add_argument("--duration", type=float, default=float(env.get("LOAD_DURATION", "60")), help="measured seconds")
    p.add_argument("--ramp", type=float, default=float(env.get("LOAD_RAMP", "30")), help="seconds to start all users")
    p.add_argument(
        "--warmup", type=float, default=float(env.get("LOAD_WARMUP", "10")), help="unmeasured seconds after the ramp"
    )
    p.add_argument(
        "--think",
        default=env.get("LOAD_THINK", f"{THINK[0]:g}-{THINK[1]:g}"),
        help="seconds between one user's requests, MIN-MAX (default 2-8: an office worker's pace)",
    )
    p.add_argument("--seed", type=int, default=int(env.get("LOAD_SEED", "100")), help="extra EHF invoices in the inbox")
    p.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: what `fakturaflyt run` picks)")
    p.add_argument("--keep", action="store_true", help="leave the server running (prints its URL); for profiling")
    a = p.parse_args(argv)

    server: Server | None = None
    if a.url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
        import django

        django.setup()
        from fakturaflyt.companies.demo import DEMO_USERS

        base, orgnr = a.url.rstrip("/"), a.orgnr
        users = [{"email": u.email, "password": u.password, "role": str(u.role)} for u in DEMO_USERS]
        users = [u for u in users if u["role"] in ROLE_SHARE]
    else:
        server = Server(a.db, a.seed, a.workers)
        base, demo = server.start()
        orgnr, users = demo["orgnr"], _demo_users(demo)
    try:
        print(
            f"# load: {a.users} users on {base} ({os.cpu_count()} cores), ramp {a.ramp:.0f} s, warm-up {a.warmup:.0f} s, "
            f"measured {a.duration:.0f} s, think time {a.think} s",
            flush=True,
        )
        low, _, high = a.think.partition("-")
        think = (float(low), float(high or low))
        stats = asyncio.run(drive(base, orgnr, users, a.users, a.ramp, a.warmup, a.duration, think))
        return report(stats, a.users, a.duration)
    finally:
        if server is not None:
            if a.keep:
                print(
                    f"# server left running: {base} (pid {server.proc.pid if server.proc else '?'}), files in {server.var}"
                )
            else:
                server.stop()


def run() -> list[tuple[str, str]]:
    """For ``python -m benchmarks``: the default run (50 users, 60 s) on its own PostgreSQL database.

    ``make bench`` may run on SQLite; the load test always wants PostgreSQL, as production does:
    it uses ``LOAD_DATABASE_URL`` or postgres://postgres@127.0.0.1:5432/fakturaflyt_load.
    """
    rows, _ = main([])
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
