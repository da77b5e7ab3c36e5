"""Message ids of viewflow's own pages, listed so that ``makemessages`` keeps them in our catalog.

django-viewflow 2.4 ships no Swedish locale, so its menus, buttons, column headings and flash
messages would show in English in our Swedish UI. ``makemessages --no-obsolete`` drops every msgid
it does not find in our own code, so a hand-written block in ``locale/sv/LC_MESSAGES/django.po``
would vanish on the next run; naming the msgids here keeps them, and their Swedish, in that file.

Nothing imports this module; only ``makemessages`` reads it. Left out on purpose: msgids that
Django's own Swedish catalogs already translate (e.g. "Log in", "Save", "Delete", "Filter"), and
viewflow pages this project does not use (avatar greetings of the disabled profile page, import and
export, the FSM admin, form wizards, deleting model objects, cancelling a process in bulk).
When upgrading viewflow, compare with ``viewflow/locale/de/LC_MESSAGES/django.po``.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

VIEWFLOW_STRINGS = (
    # Translators: viewflow's own strings, which it ships no Swedish for.
    gettext_noop("Inbox"),
    gettext_noop("Queue"),
    gettext_noop("Archive"),
    gettext_noop("Dashboard"),
    gettext_noop("Applications"),
    gettext_noop("Workflow"),
    gettext_noop("Flow"),
    gettext_noop("flow"),
    gettext_noop("Process"),
    gettext_noop("Processes"),
    gettext_noop("Process list"),
    gettext_noop("New process"),
    gettext_noop("Subprocess"),
    gettext_noop("Task"),
    gettext_noop("Tasks"),
    gettext_noop("Parent Task"),
    gettext_noop("Previous tasks"),
    gettext_noop("No previous tasks"),
    gettext_noop("Next tasks"),
    gettext_noop("No next tasks"),
    gettext_noop("Description"),
    gettext_noop("Brief"),
    gettext_noop("Process brief"),
    gettext_noop("Seed"),
    gettext_noop("Artifact"),
    gettext_noop("#"),
    # Column headings and model fields of processes and tasks.
    gettext_noop("Status"),
    gettext_noop("Type"),
    gettext_noop("Owner"),
    gettext_noop("Created"),
    gettext_noop("Assigned"),
    gettext_noop("Started"),
    gettext_noop("Finished"),
    gettext_noop("Scheduled"),
    gettext_noop("Previous"),
    gettext_noop("Token"),
    gettext_noop("External Task ID"),
    gettext_noop("Permission"),
    # Task and process states (viewflow.workflow.status).
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Started"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "Revived"),
    # Buttons and actions.
    gettext_noop("Start"),
    gettext_noop("Start and continue"),
    gettext_noop("Execute"),
    gettext_noop("Execute and continue"),
    gettext_noop("No rights to execute"),
    gettext_noop("Assign"),
    gettext_noop("Assign and continue"),
    gettext_noop("Assign selected tasks"),
    gettext_noop("Unassign"),
    gettext_noop("Unassign selected tasks"),
    gettext_noop("Undo"),
    gettext_noop("Revive"),
    gettext_noop("Cancel"),
    gettext_noop("Confirm"),
    gettext_noop("confirm"),
    gettext_noop("Pick an action"),
    gettext_noop("New"),
    gettext_noop("Add new"),
    gettext_noop("Edit"),
    gettext_noop("Submit"),
    gettext_noop("Reset"),
    gettext_noop("Back"),
    gettext_noop("Flow Chart"),
    gettext_noop("Export BPMN"),
    gettext_noop("BPMN"),
    # Flash messages.
    gettext_noop("Process {process} has been started."),
    gettext_noop("Task {task} has been assigned."),
    gettext_noop("Task {task} has been unassigned."),
    gettext_noop("Task {task} has been completed."),
    gettext_noop("Task {task} has been canceled."),
    gettext_noop("Task {task} has been undone."),
    gettext_noop("Task {task} has been revived."),
    gettext_noop("Process #%(pk)s can not be canceled."),
    gettext_noop("Process #%(pk)s has been canceled."),
    gettext_noop("You have no rights to view this task"),
    gettext_noop("The {obj} was added successfully. {link}"),
    gettext_noop("The {obj} was changed successfully. {link}"),
    gettext_noop("The {obj} was deleted successfully."),
    # Page frame, login, logout and error pages.
    gettext_noop("Profile"),
    gettext_noop("Login"),
    gettext_noop("Logout"),
    # Translators: the subtitle of viewflow's login page; we show the service's name instead.
    gettext_noop("Viewflow Demo suite"),
    gettext_noop("Thanks for spending some quality time with the Web site today."),
    gettext_noop("Access Forbidden"),
    gettext_noop("You are not logged in"),
    gettext_noop("%(user)s have no rights to access this page"),
    gettext_noop("Log in as another user"),
    gettext_noop("Bad Request"),
    gettext_noop("We're sorry, but the requested page could not be found."),
    gettext_noop(
        "There's been an error. It's been reported to the site administrators via email and "
        "should be fixed shortly. Thanks for your patience."
    ),
    # Placeholders of viewflow's date and time fields.
    gettext_noop("YYYY"),
    gettext_noop("MM"),
    gettext_noop("DD"),
    gettext_noop("HH"),
    gettext_noop("SS"),
    gettext_noop("AM/PM"),
)

DJANGO_FILTER_STRINGS = (
    # Translators: django-filter (viewflow's list filters) ships no Swedish either; Django's admin
    # catalog already translates the other date-range choices.
    gettext_noop("Yesterday"),
)
