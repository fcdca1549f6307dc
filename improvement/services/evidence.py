"""A leader's review of evidence: accepted once, or returned with a comment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..access import can_sign_off
from ..models import Evidence
from ..people import display_name


class EvidenceAlreadyAccepted(Exception):
    """Evidence is accepted once; the first acceptance stands."""


def evidence_accept(*, evidence: Evidence, leader) -> Evidence:
    """A leader of the authority, other than the action's owner, accepts evidence.

    The first acceptance is kept: accepting again is refused, so nobody can
    overwrite who accepted it and when.
    """
    with transaction.atomic():
        current = _locked_for_review(evidence, leader)
        current.accepted_by = leader
        current.accepted_at = timezone.now()
        current.save(update_fields=["accepted_by", "accepted_at"])
    return current


def evidence_return(*, evidence: Evidence, leader, comment: str) -> Evidence:
    """Send evidence back to be improved, saying why; it no longer counts for sign-off."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the evidence is missing"})
    with transaction.atomic():
        current = _locked_for_review(evidence, leader)
        current.returned_by = leader
        current.returned_at = timezone.now()
        current.return_comment = comment.strip()
        current.save(update_fields=["returned_by", "returned_at", "return_comment"])
    return current


def _locked_for_review(evidence: Evidence, leader) -> Evidence:
    """The evidence, locked until the caller's transaction ends, if it may still be reviewed."""
    if not can_sign_off(leader, evidence.action):
        raise PermissionDenied
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.accepted_by_id is not None:
        raise EvidenceAlreadyAccepted(
            f"“{current.title}” was already accepted by {display_name(current.accepted_by)}"
            f" on {timezone.localtime(current.accepted_at):%-d %B %Y}."
        )
    return current
