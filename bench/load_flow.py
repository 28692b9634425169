"""Simulated students for bench/load.py: a cookie-keeping HTTP client and the student's flow.

Each simulated student is a `Browser` (http.client, its own cookies, a new connection per
request so that a round robin over several app servers is per request). `student_flow` logs in,
studies a few cards, then takes the quiz: start, answer every question by filling in the form
the page gives (as a person without JavaScript would), finish and submit, read the review. What
it posts is kept, so that load.py can check afterwards that every answer landed and was scored.
"""

import http.client
import random
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

TEXT_ANSWERS = {"text": "psoas major", "value": "5"}


class FlowError(Exception):
    pass


# --- HTML forms ---------------------------------------------------------------------------


@dataclass
class Form:
    attrs: dict
    # (tag, type, name, value, checked/selected) in page order; selects carry their options.
    fields: list = field(default_factory=list)
    selects: dict = field(default_factory=dict)

    def hidden(self) -> list[tuple[str, str]]:
        return [(n, v) for tag, kind, n, v in self.fields if tag == "input" and kind == "hidden"]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(attrs=a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            self._form.fields.append(("input", kind, a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.selects[self._select] = []
            self._form.fields.append(("select", "", self._select, ""))
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._form.fields.append(("input", "text", a["name"], ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_where(html: str, predicate, where: str = "") -> Form:
    for form in forms(html):
        if predicate(form):
            return form
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    page = title.group(1).strip() if title else html[:80]
    raise FlowError(f"expected form not on the page {where} ({page!r})")


def fill_answer(form: Form, rng: random.Random) -> list[tuple[str, str]]:
    """A plausible answer for whatever question the form asks, as a list of form pairs."""
    data = list(form.hidden())
    radios: dict[str, list[str]] = {}
    boxes: dict[str, list[str]] = {}
    for tag, kind, name, value in form.fields:
        if tag == "input" and kind == "radio":
            radios.setdefault(name, []).append(value)
        elif tag == "input" and kind == "checkbox":
            boxes.setdefault(name, []).append(value)
        elif tag == "input" and kind == "text":
            data.append((name, TEXT_ANSWERS.get(name, "iliacus")))
    for name, values in radios.items():
        data.append((name, rng.choice(values)))
    for name, values in boxes.items():
        for value in rng.sample(values, rng.randint(1, len(values))):
            data.append((name, value))
    ranks = [name for name in form.selects if name.startswith("rank-")]
    if ranks:
        # A shuffled order that differs from the one shown: an untouched order counts as blank.
        order = list(range(1, len(ranks) + 1))
        while order == sorted(order):
            rng.shuffle(order)
        data.extend((name, str(rank)) for name, rank in zip(ranks, order, strict=True))
    for name, options in form.selects.items():
        if name.startswith("rank-"):
            continue
        values = [v for v, _ in options if v]
        if values:
            data.append((name, rng.choice(values)))
    return data


# --- the client ---------------------------------------------------------------------------


class Servers:
    """The app servers, and how many requests each has served."""

    def __init__(self, addresses: list[tuple[str, int]]):
        self.addresses = addresses
        self.served = [0] * len(addresses)
        self._lock = threading.Lock()

    def count(self, n: int) -> None:
        with self._lock:
            self.served[n] += 1


COOKIE = re.compile(r"^([^=;]+)=([^;]*)")


class Browser:
    """One person's browser. With several servers it takes them in turn, request by request,
    starting at `first`: it logs in on one server and carries on on the next, as behind a
    round-robin load balancer with no sticky sessions."""

    def __init__(self, servers: Servers, timings: dict, lock: threading.Lock, first: int = 0):
        self.servers = servers
        self._turn = first
        self.cookies: dict[str, str] = {}
        self.timings = timings
        self.lock = lock
        self.instances: list[int] = []

    def request(self, step: str, method: str, path: str, data=None):
        n = self._turn % len(self.servers.addresses)
        self._turn += 1
        self.servers.count(n)
        self.instances.append(n)
        host, port = self.servers.addresses[n]
        headers = {"Host": host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        elapsed = time.perf_counter() - start
        with self.lock:
            self.timings.setdefault(step, []).append(elapsed)
        for header in response.headers.get_all("Set-Cookie") or []:
            match = COOKIE.match(header)
            if match:
                name, value = match.groups()
                if value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return response.status, response.headers, text

    def get(self, step: str, path: str, expect: int = 200) -> str:
        status, headers, text = self.request(step, "GET", path)
        if status != expect:
            raise FlowError(f"{step}: GET {path} answered {status}")
        return text if expect == 200 else headers["Location"]

    def post(self, step: str, path: str, data, expect: int = 302) -> str:
        status, headers, text = self.request(step, "POST", path, data)
        if status != expect:
            raise FlowError(f"{step}: POST {path} answered {status}: {_message(text)}")
        return headers["Location"] if expect == 302 else text

    def log_in(self, username: str, password: str) -> None:
        page = self.get("log in (page)", "/accounts/login/")
        form = form_where(page, lambda f: any(n == "password" for _, _, n, _ in f.fields))
        data = form.hidden() + [("username", username), ("password", password)]
        self.post("log in (submit)", "/accounts/login/", data)
        if "sessionid" not in self.cookies:
            raise FlowError("log in: no session cookie")


def _message(html: str) -> str:
    match = re.search(r'class="[^"]*(?:error|message)[^"]*"[^>]*>(.*?)<', html, re.S)
    return match.group(1).strip() if match else html[:120]


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- the student's flow --------------------------------------------------------------------


@dataclass
class FlowResult:
    username: str
    attempt_id: int | None = None
    posted: dict = field(default_factory=dict)  # position -> form pairs
    studied: int = 0
    error: str = ""
    instances: list = field(default_factory=list)


ATTEMPT_URL = re.compile(r"/attempts/(\d+)/q/(\d+)/")


def student_flow(
    browser: Browser,
    username: str,
    password: str,
    assignment_id: int,
    study_cards: int,
    seed: int,
) -> FlowResult:
    rng = random.Random(seed)
    result = FlowResult(username)
    try:
        browser.log_in(username, password)
        for _ in range(study_cards):
            _study_one(browser, rng)
            result.studied += 1
        page = browser.get("assignment page", f"/assignments/{assignment_id}/")
        start = form_where(page, lambda f: f.attrs.get("action", "").endswith("/start/"))
        location = browser.post("start attempt", start.attrs["action"], start.hidden())
        match = ATTEMPT_URL.search(location)
        if not match:
            raise FlowError(f"start attempt: redirected to {location}")
        result.attempt_id = int(match.group(1))
        path = _path(location)
        while True:
            page = browser.get("question page", path)
            form = form_where(page, lambda f: f.attrs.get("id") == "question-form", path)
            position = int(ATTEMPT_URL.search(path).group(2))
            answer = fill_answer(form, rng)
            result.posted[position] = answer
            last = 'value="next"' not in page
            go = "finish" if last else "next"
            location = browser.post("answer", path, answer + [("go", go)])
            if last:
                break
            path = _path(location)
            if not ATTEMPT_URL.search(path):
                raise FlowError(f"answer: redirected to {location}")
        finish = f"/attempts/{result.attempt_id}/finish/"
        page = browser.get("finish page", finish)
        form = form_where(page, lambda f: f.attrs.get("id") == "finish-form")
        location = browser.post("submit", finish, form.hidden())
        if not location.endswith(f"/attempts/{result.attempt_id}/review/"):
            raise FlowError(f"submit: redirected to {location}")
        browser.get("review page", _path(location))
    except (FlowError, OSError, http.client.HTTPException) as error:
        result.error = f"{type(error).__name__}: {error}"
    result.instances = browser.instances
    return result


def _study_one(browser: Browser, rng: random.Random) -> None:
    page = browser.get("study page", "/study/")
    reveal = [f for f in forms(page) if "reveal-form" in f.attrs.get("class", "")]
    if reveal:
        query = urlencode(reveal[0].hidden())
        page = browser.get("study page", f"/study/?{query}")
        form = form_where(page, lambda f: "rating-form" in f.attrs.get("class", ""))
        browser.post("study rate/answer", "/study/", form.hidden() + [("rating", "3")])
        return
    form = form_where(page, lambda f: ("action", "answer") in f.hidden(), "/study/")
    location = browser.post("study rate/answer", "/study/", fill_answer(form, rng))
    if "feedback=1" not in location:
        raise FlowError(f"study answer: redirected to {location}")
    browser.get("study feedback", _path(location))


def run_flows(
    addresses: list[tuple[str, int]],
    students: list[str],
    password: str,
    assignment_id: int,
    *,
    study_cards: int = 3,
    seed: int = 2026,
) -> tuple[list[FlowResult], dict, float, Servers]:
    """Every student's flow at once, one thread each; returns results, step timings, seconds."""
    servers = Servers(addresses)
    timings: dict[str, list[float]] = {}
    lock = threading.Lock()
    results: list[FlowResult | None] = [None] * len(students)
    barrier = threading.Barrier(len(students))

    def one(n: int, username: str) -> None:
        browser = Browser(servers, timings, lock, first=n)
        barrier.wait()
        results[n] = student_flow(browser, username, password, assignment_id, study_cards, seed + n)

    threads = [
        threading.Thread(target=one, args=(n, name), daemon=True) for n, name in enumerate(students)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, timings, time.perf_counter() - start, servers
