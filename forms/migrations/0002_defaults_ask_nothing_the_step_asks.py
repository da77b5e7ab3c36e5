"""Issue 12, "no double entry": the default protocol and follow-up templates no longer ask what
the step asks itself (attendance, minute-taker, the agencies' pictures, commitments, the next
follow-up; the plan's actions at the follow-up).

A municipality whose published protocol / follow-up is still the untouched old default (its field
keys, in order, are the old default's) gets the new default as its next version, published; the
old version retires, exactly as ``forms.services.publish`` does it. A municipality that changed its
template is left alone (docs/operations.md says what to remove by hand). Submissions stay pinned
to the version they were made with.

The old keys and the new fields are copied here as data: a migration must not read
``forms/defaults/*.json``, which may change later.
"""

from django.db import migrations
from django.utils import timezone

OLD_KEYS = {
    "protocol": [
        "narvarande",
        "antecknare",
        "bild_skola",
        "bild_socialtjanst",
        "bild_polis",
        "bild_fritid",
        "bild_ungdom",
        "bild_vardnadshavare",
        "riskfaktorer",
        "skyddsfaktorer",
        "ataganden",
        "nasta_uppfoljning",
        "ovrigt",
    ],
    "follow_up": [
        "insatser",
        "ungdomens_syn",
        "vardnadshavares_syn",
        "samtycke_fortsatt",
        "samtycke_atgard",
    ],
}

NEW_FIELDS = {
    "protocol": [
        {
            "key": "bild_ungdom",
            "type": "long_text",
            "label": {"sv": "Ungdomens egen bild", "en": "The young person's own view"},
            "required": True,
        },
        {
            "key": "bild_vardnadshavare",
            "type": "long_text",
            "label": {"sv": "Vårdnadshavarnas bild", "en": "The guardians' view"},
        },
        {
            "key": "riskfaktorer",
            "type": "long_text",
            "label": {"sv": "Riskfaktorer", "en": "Risk factors"},
            "required": True,
        },
        {
            "key": "skyddsfaktorer",
            "type": "long_text",
            "label": {"sv": "Skyddsfaktorer", "en": "Protective factors"},
            "help": {
                "sv": "Vad fungerar? Vem är viktig för ungdomen? Vad gör ungdomen på fritiden?",
                "en": "What works? Who matters to the young person? "
                "What do they do in their free time?",
            },
            "required": True,
        },
        {"key": "ovrigt", "type": "long_text", "label": {"sv": "Övrigt", "en": "Other"}},
    ],
    "follow_up": [
        {
            "key": "ungdomens_syn",
            "type": "long_text",
            "label": {
                "sv": "Hur ser ungdomen på hur det går?",
                "en": "How does the young person see it?",
            },
            "required": True,
        },
        {
            "key": "vardnadshavares_syn",
            "type": "long_text",
            "label": {
                "sv": "Hur ser vårdnadshavarna på hur det går?",
                "en": "How do the guardians see it?",
            },
        },
        {
            "key": "samtycke_fortsatt",
            "type": "yes_no",
            "label": {
                "sv": "Gäller samtycket fortfarande för det fortsatta arbetet?",
                "en": "Does the consent still cover the further work?",
            },
            "required": True,
        },
        {
            "key": "samtycke_atgard",
            "type": "long_text",
            "label": {
                "sv": "Vad behöver göras med samtycket?",
                "en": "What needs to be done about the consent?",
            },
            "required": True,
            "show_if": {"field": "samtycke_fortsatt", "equals": False},
        },
    ],
}


def untouched_old_default(version):
    return [field.get("key") for field in version.fields] == OLD_KEYS[version.template.kind]


def publish_new_defaults(apps, schema_editor):
    """Each untouched old default gets the new default as its next version, published."""
    FormVersion = apps.get_model("sspf_forms", "FormVersion")
    now = timezone.now()
    published = FormVersion.objects.select_related("template").filter(
        template__kind__in=list(OLD_KEYS), status="published"
    )
    for old in [version for version in published if untouched_old_default(version)]:
        last = FormVersion.objects.filter(template_id=old.template_id).order_by("-number")[0]
        # retire first: a template has at most one published version (a constraint)
        FormVersion.objects.filter(pk=old.pk).update(status="retired", retired_at=now)
        FormVersion.objects.create(
            template_id=old.template_id,
            number=last.number + 1,
            status="published",
            fields=NEW_FIELDS[old.template.kind],
            created_at=now,
            published_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sspf_forms", "0001_form_templates"),
    ]

    operations = [
        migrations.RunPython(publish_new_defaults, migrations.RunPython.noop),
    ]
