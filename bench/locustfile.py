"""The load test's users (locust): coordinators, agency staff and log reviewers of the bench
database, each with a session made by ``bench/load.py`` (read from ``SSPF_LOAD_SESSIONS``),
working their usual pages; and the baseline, anonymous visitors of the login page.

Run by ``bench/load.py``; not by hand."""

import json
import os
import random

from locust import HttpUser, constant, task

SESSIONS = json.loads(open(os.environ["SSPF_LOAD_SESSIONS"]).read())  # noqa: SIM115


class Signed(HttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user asks again at once (capacity)
    kind = ""

    def on_start(self):
        person = random.choice(SESSIONS[self.kind])  # noqa: S311 - not cryptography
        self.client.cookies.set("sessionid", person["session"])
        self.cases = person["cases"] or ["SSPF-0000-0000"]

    def case_page(self):
        number = random.choice(self.cases)  # noqa: S311
        self.client.get(f"/sspf/{number}/", name="/sspf/<number>/")


class Coordinator(Signed):
    weight = 5
    kind = "coordinator"

    @task(3)
    def overview(self):
        self.client.get("/sspf/dashboard/")

    @task(3)
    def inbox(self):
        self.client.get("/case/inbox/")

    @task(1)
    def queue(self):
        self.client.get("/case/queue/")

    @task(1)
    def case_list(self):
        self.client.get("/sspf/list/")

    @task(3)
    def case(self):
        self.case_page()


class AgencyStaff(Signed):
    weight = 4
    kind = "agency"

    @task(2)
    def overview(self):
        self.client.get("/sspf/dashboard/")

    @task(1)
    def case(self):
        self.case_page()


class Reviewer(Signed):
    weight = 1
    kind = "reviewer"

    @task
    def log(self):
        self.client.get("/log/")


class Baseline(HttpUser):
    """Only in the baseline run: the login page, the lightest page the server has."""

    wait_time = constant(0)  # closed loop: each user asks again at once (capacity)

    @task
    def login_page(self):
        self.client.get("/accounts/login/")
