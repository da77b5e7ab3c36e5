"""The benchmark's sizes, targets and fixed names: what every other bench module may read. It
imports nothing from the project or from the other bench modules."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Raise it whenever the seeded data change shape, so that an older bench database is seeded
# again. 2: the flow moved to casework (viewflow's flow and task references changed), and the
# columns are derived from the models.
SEED_VERSION = 5  # 3: the open steps' due dates (TaskDeadline); 4: 5 M access-log rows;
# 5: 2 000 users, the queue's and the inbox's marks

N_CASES = 100_000
N_TASKS = 1_000_000
N_DUE = 10_000
N_LOG_ROWS = 5_000_000  # the access log of a few years' work
COORDINATOR_OPEN_CASES = 300
N_COORDINATORS = 40  # the bench coordinator and 39 others who own the rest
N_SCHOOLS = 200  # ~58 000 consented open cases / 200 schools: ~300 covered cases per school
N_LEISURE = 10
# The users: the manager, the coordinators, staff of social services, police and safety, and
# staff at each leisure centre and school: 1 + 40 + 69 + 30 + 10 + 10 × 5 + 200 × 9 = 2 000.
N_USERS = 2_000
N_SOCIAL, N_POLICE, N_SAFETY = 69, 30, 10
LEISURE_STAFF, SCHOOL_STAFF = 5, 9
# Agency ids: 1 social services, 2 police, 3 safety, 4 child psychiatry, then the leisure
# centres, then the schools.
FIRST_LEISURE = 5
FIRST_SCHOOL = FIRST_LEISURE + N_LEISURE
# A row whose next step comes within this margin counts as already sent when seeding, so that
# nothing falls due while the benchmark runs (it takes well under this).
GRACE = "30 minutes"

MUNICIPALITY = "Benchkommun"
BENCH_COORDINATOR = 2  # user id of samordnare01, the coordinator with 300 open cases
BENCH_SCHOOL_USER = "skola001a"  # of Skola 001

# Seconds: the sweeps' targets apply to each run, the pages' to the p95 of their requests
# (issue 11: the inbox and the queue 50 ms, the other pages 100 ms, the access log 200 ms).
TARGETS = {"idle": 1.0, "due": 30.0, "page": 0.100, "list": 0.050, "log": 0.200}

# The comparisons' paths in bench/urls.py (the product's URLs plus these two).
HELLO = "/bench/hello/"
STOCK_INBOX = "/bench/stock/inbox/"
