"""The fictional people, places and texts of the bench municipality. All generated; no real
names, no personal identity numbers."""

from bench.config import (
    FIRST_LEISURE,
    FIRST_SCHOOL,
    LEISURE_STAFF,
    N_COORDINATORS,
    N_LEISURE,
    N_POLICE,
    N_SAFETY,
    N_SCHOOLS,
    N_SOCIAL,
    N_USERS,
    SCHOOL_STAFF,
)

STAFF_LETTERS = "abcdefghijklmnopqrstuvwxyz"

FIRST_NAMES = [
    "Alva", "Elsa", "Maja", "Ella", "Wilma", "Saga", "Ebba", "Alice", "Olivia", "Astrid",
    "Noah", "William", "Hugo", "Liam", "Lucas", "Oliver", "Elias", "Adam", "Leo", "Isak",
    "Sam", "Kim", "Alex", "Robin", "Nour", "Ali", "Amir", "Sara", "Yara", "Mika",
]  # fmt: skip
LAST_NAMES = [
    "Benchberg", "Provsson", "Testdotter", "Exempelius", "Demoström", "Fiktivsson", "Lekberg",
    "Skissdal", "Mönstergren", "Utkastsson", "Påhittad", "Låtsasberg", "Modellin", "Provkvist",
    "Attrappsson", "Skenholm", "Fantasigren", "Övningsdal", "Mallberg", "Dummystedt",
]  # fmt: skip
CONCERN_TEXTS = [
    "Fiktiv uppgift: ökad frånvaro och oro för umgänget.",
    "Fiktiv uppgift: påträffad sent på kvällen med äldre ungdomar.",
    "Fiktiv uppgift: konflikter i skolan och oro för hemsituationen.",
    "Fiktiv uppgift: misstänkt för snatteri vid flera tillfällen.",
    "Fiktiv uppgift: alkohol vid flera tillfällen, sjunkande resultat.",
    "Fiktiv uppgift: hot mot andra besökare på fritidsgården.",
]
ACTION_TEXTS = [
    "Extra stöd för att öka närvaron.",
    "Samtal varannan vecka med kurator.",
    "Familjebehandling.",
    "Kontakt med föräldrarna vid oro.",
    "Fritidsledaren följer upp fritidsintressen.",
    "Drogtester och behandlingsprogram.",
    "Anpassningar i skolmiljön.",
    "Går till skolan varje dag.",
]


def agencies_spec():
    """(id, name, kind, contact name) of every bench agency (kinds as AgencyKind values)."""
    rows = [
        (1, "Socialtjänsten", "socialtjanst", "Kontaktperson"),
        (2, "Lokalpolisområde Bench", "polis", "Kontaktperson"),
        (3, "Trygghet och beredskap", "trygghet", "Kontaktperson"),
        (4, "BUP Bench", "ovrig", "Kontaktperson"),
    ]
    for n in range(N_LEISURE):
        rows.append((FIRST_LEISURE + n, f"Fritidsgården {n + 1:02d}", "fritid", "Fritidsledare"))
    for n in range(N_SCHOOLS):
        rows.append((FIRST_SCHOOL + n, f"Skola {n + 1:03d}", "skola", "Rektor"))
    return rows


def users_spec():
    """(id, username, first name, role, agency id, title, manager id) of every bench user."""
    rows = [(1, "chef", "Chef", "socialtjanst", 1, "Enhetschef", None)]

    def add(username, first_name, role, agency, title="", manager=None):
        rows.append((len(rows) + 1, username, first_name, role, agency, title, manager))

    for n in range(N_COORDINATORS):
        add(f"samordnare{n + 1:02d}", FIRST_NAMES[n % len(FIRST_NAMES)], "samordnare", 1, "SSPF", 1)
    for n in range(N_SOCIAL):
        add(f"socsek{n + 1:02d}", "Sven", "socialtjanst", 1)
    for n in range(N_POLICE):
        add(f"polis{n + 1:02d}", "Per", "polis", 2)
    for n in range(N_SAFETY):
        add(f"trygghet{n + 1:02d}", "Tove", "trygghet", 3)
    for a in range(N_LEISURE):
        for s in STAFF_LETTERS[:LEISURE_STAFF]:
            add(f"fritid{a + 1:02d}{s}", "Frida", "fritid", FIRST_LEISURE + a)
    for a in range(N_SCHOOLS):
        for s in STAFF_LETTERS[:SCHOOL_STAFF]:
            add(f"skola{a + 1:03d}{s}", "Sara", "skola", FIRST_SCHOOL + a)
    assert len(rows) == N_USERS, len(rows)
    return rows
