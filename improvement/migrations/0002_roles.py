"""Create the three roles as Django groups, with the model permissions each needs.

Object-level rules (which authority, which actions) live in
improvement.models.ActionQuerySet; these permissions only say what kind of
thing a role may do, and let admins see the roles in the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    ("inspections", "view_localauthority"),
    ("inspections", "view_inspection"),
    ("inspections", "view_judgement"),
    ("inspections", "view_reportparagraph"),
    ("inspections", "view_theme"),
    ("inspections", "view_recommendation"),
    ("improvement", "view_team"),
    ("improvement", "view_action"),
    ("improvement", "view_progressupdate"),
    ("improvement", "view_evidence"),
]
ROLES = {
    "Leaders": VIEW_ALL
    + [
        ("improvement", "change_action"),
        ("improvement", "add_progressupdate"),
        ("improvement", "add_evidence"),
        ("improvement", "change_evidence"),
    ],
    "Managers": VIEW_ALL
    + [
        ("improvement", "change_action"),
        ("improvement", "add_progressupdate"),
        ("improvement", "add_evidence"),
    ],
    "Viewers": VIEW_ALL,
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrations run; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0001_initial"),
        ("inspections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
