"""Writes for the advice: the SEND team asks a health team for advice; a manager of the team allocates
it to a team member (or answers that the child is not known to the service); the team member drafts and
submits the advice; the requests' due dates follow the case's clock, and reminders go out daily. Each is
one transaction that locks the row, checks the move, audits it and queues its notifications (sent after
commit, ARCHITECTURE.md 6 and 8)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.formdefs import definition_from_dict, form_errors
from core.models import FormDefinition, FormVersion, Notification
from core.notifications import notify, notify_person
from core.services import audit_record
from ehc import clock
from ehc.cases.services import case_due_refresh, case_transition
from ehc.models import Case, CaseEvent
from ehc.workflow import Action, Stage
from hub.advice.definitions import ADVICE_ANSWER_KEYS, ADVICE_FORM, ADVICE_FORM_KIND, ADVICE_FORM_SLUG
from hub.advice.selectors import advice_template_version
from hub.models import OPEN_STATUSES, AdviceContribution, AdviceRequest, AdviceStatus, HealthTeam
from hub.teams.selectors import TEAM_CHOICE, dco_people, team_managed_by, team_member_choices
from tenants.configuration.selectors import configuration_get
from tenants.selectors import council_name_current, council_url


def advice_template_install(*, definition_model=FormDefinition, version_model=FormVersion) -> None:
    """Give this council the health advice template as version 1 (idempotent; run by hub's migration)."""
    definition, _ = definition_model.objects.get_or_create(
        slug=ADVICE_FORM_SLUG, defaults={"name": ADVICE_FORM["name"], "kind": ADVICE_FORM_KIND}
    )
    if not version_model.objects.filter(definition=definition).exists():
        version_model.objects.create(definition=definition, number=1, schema=ADVICE_FORM)


def _due_text(due: datetime.date) -> str:
    return f"{due.day} {due:%B %Y}"


def advice_request_send(*, case: Case, team: HealthTeam, by, requested_on: datetime.date) -> AdviceRequest:
    """Ask a health team for advice: the case's "Request advice" (its timeline and clock), the team's
    advice request, due 6 weeks later, and an email to the team's central address saying that a request
    waits and by when, with the case's reference and a link, never who it is about."""
    with transaction.atomic():
        team = HealthTeam.objects.select_for_update().get(pk=team.pk)
        if not team.is_active:
            raise ValidationError("This team is no longer asked for advice", code="team")
        case = case_transition(
            case=case,
            action=Action.REQUEST_ADVICE,
            by=by,
            happened_on=requested_on,
            detail={"service": team.name, "team": team.pk},
        )
        # The case row is locked by the transition until this transaction ends: its newest event is ours.
        event = CaseEvent.objects.filter(case=case, action=Action.REQUEST_ADVICE).latest("id")
        due = clock.advice_due(requested=requested_on)
        advice = AdviceRequest.objects.create(
            case=case, event=event, team=team, requested_on=requested_on, due_on=due, requested_by=by
        )
        case_due_refresh(case=case)  # an exception already recorded may move the date (Reg. 8(2))
        advice.refresh_from_db(fields=["due_on"])
        due = advice.due_on
        audit_record(actor=by, action="advice.requested", target=advice, detail={"team": team.pk})
        council = council_name_current()
        link = council_url("/health/team/?awaiting=1")
        notify(
            key=f"advice-request:{advice.pk}:team",
            channel=Notification.Channel.EMAIL,
            to=team.email,
            kind="advice_request",
            subject=f"{council}: a request for advice for case {case.reference}, due {_due_text(due)}",
            body=(
                f"{council} has sent {team.name} a request for advice for case {case.reference}. "
                f"The advice is due by {_due_text(due)}.\n\n"
                "A manager in the team allocates it to a team member on the EHC Portal. Sign in to see "
                f"the team's cases awaiting allocation:\n{link}"
            ),
        )
    return advice


def advice_request_send_chosen(*, case: Case, chosen: str, by, requested_on: datetime.date) -> str:
    """The staff case page's "Request advice" with a team on the hub chosen (``team:<pk>``, ehc's
    PortalAdvice.ask): ask it, and say so. The page has checked the choice against the teams it
    offered; advice_request_send reads and locks the team by its key, so only the key is passed."""
    team = HealthTeam(pk=int(chosen.removeprefix(TEAM_CHOICE)))
    advice = advice_request_send(case=case, team=team, by=by, requested_on=requested_on)
    return f"Advice requested from {advice.team.name}. The team has been emailed."


def _locked(advice: AdviceRequest) -> AdviceRequest:
    return AdviceRequest.objects.select_for_update().select_related("team", "case").get(pk=advice.pk)


def _manager_or_refuse(*, advice: AdviceRequest, by) -> None:
    if not team_managed_by(team=advice.team, user=by):
        raise PermissionDenied


def _received_record(*, advice: AdviceRequest, by, outcome: str) -> None:
    """Close the advice's due date on the case (its "Record advice received"), while the case is still in
    its assessment; a case that has moved on has nothing left waiting for it."""
    if advice.case.stage != Stage.ASSESSMENT:
        return
    case_transition(
        case=advice.case,
        action=Action.RECORD_ADVICE,
        by=by,
        happened_on=timezone.localdate(),
        detail={
            "service": advice.team.name,
            "team": advice.team_id,
            "outcome": outcome,
            "request_event": advice.event_id,
        },
    )


def advice_due_dates_follow(*, case: Case, dues, **kwargs) -> None:
    """ehc's case_dues_refreshed: keep each advice request due on the date the case's clock gives its
    request event ("advice:<event id>"), so an exception that moves an advice date (a missed
    appointment, Reg. 8(2)) moves that request, and only that one, in the hub's lists too."""
    due_on = {int(d.key.removeprefix("advice:")): d.due for d in dues if d.key.startswith("advice:")}
    if not due_on:
        return
    for advice in AdviceRequest.objects.filter(case=case, event_id__in=due_on).only("event_id", "due_on"):
        if advice.due_on != due_on[advice.event_id]:
            AdviceRequest.objects.filter(pk=advice.pk).update(due_on=due_on[advice.event_id])


def _caseworker_told(*, advice: AdviceRequest, what: str) -> None:
    """Tell the case's caseworker (else the council's SEND address) that the team has answered."""
    case, council = advice.case, council_name_current()
    subject = f"{council}: a response to a request for advice for case {case.reference}"
    body = (
        f"{advice.team.name} has {what} for case {case.reference}.\n\n"
        f"Sign in to the EHC Portal to see it:\n{council_url(f'/cases/{case.reference}/')}"
    )
    key = f"advice-response:{advice.pk}:{advice.status}"
    if case.caseworker_id:
        notify_person(user=case.caseworker, kind="advice_response", subject=subject, body=body, key=key)
        return
    address = configuration_get().contact_email
    if address:
        notify(
            key=f"{key}:council",
            channel=Notification.Channel.EMAIL,
            to=address,
            kind="advice_response",
            subject=subject,
            body=body,
        )


def advice_allocate(*, advice: AdviceRequest, member, by) -> AdviceRequest:
    """A manager adds a team member to the request ("select a team member name from the dropdown box,
    click on 'add'"): several may be added, each writing their own part of the team's advice. The member
    is emailed a request for advice with the due date and a link, never who it is about. Adding someone
    already on the request changes nothing and emails no one. ``member`` None: no one was chosen."""
    with transaction.atomic():
        locked = _locked(advice)
        _manager_or_refuse(advice=locked, by=by)
        if not locked.is_open:
            raise ValidationError("This request has been answered and can no longer be allocated")
        if member is None:
            raise ValidationError({"member": "Select the team member who will write the advice"})
        if member.pk not in {user.pk for user in team_member_choices(team=locked.team)}:
            raise ValidationError({"member": "Select a member of the team"})
        now = timezone.now()
        part, added = AdviceContribution.objects.get_or_create(
            advice_request=locked, professional=member, defaults={"added_at": now, "added_by": by}
        )
        if not added:
            return locked
        locked.status = AdviceStatus.ALLOCATED
        locked.known_to_service = True
        if locked.allocated_to_id is None:  # the first professional, for the release before parts
            locked.allocated_to = member
        locked.allocated_by = by
        locked.allocated_at = now
        locked.save(
            update_fields=[
                "status",
                "known_to_service",
                "allocated_to",
                "allocated_by",
                "allocated_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=by, action="advice.allocated", target=locked, detail={"to": member.pk, "part": part.pk}
        )
        council, reference = council_name_current(), locked.case.reference
        notify_person(
            user=member,
            kind="advice_request",
            subject=f"{council}: a request for advice for case {reference}, due {_due_text(locked.due_on)}",
            body=(
                f"{locked.team.name} has allocated you a request for advice for case {reference}. "
                f"The advice is due by {_due_text(locked.due_on)}.\n\n"
                f"Sign in to the EHC Portal to write it:\n{council_url(f'/health/advice/{locked.pk}/')}"
            ),
            key=f"advice-allocated:{locked.pk}:{member.pk}:{now.isoformat()}",
        )
    return locked


def advice_professional_remove(*, advice: AdviceRequest, member, by) -> AdviceRequest:
    """A manager takes a team member off the request before they have written anything of their part
    (someone on leave, say). A part with anything in it stays: it is that professional's work. The
    last one taken off leaves the request awaiting allocation again; taking off the last one still
    writing, when the others' parts are in, submits the team's advice."""
    with transaction.atomic():
        locked = _locked(advice)
        _manager_or_refuse(advice=locked, by=by)
        if locked.status != AdviceStatus.ALLOCATED:
            raise ValidationError("This request has been answered and can no longer be changed")
        part = (
            AdviceContribution.objects.select_for_update()
            .filter(advice_request=locked, professional=member)
            .first()
            if member is not None
            else None
        )
        if part is None:
            raise ValidationError({"member": "They are not writing advice for this request"})
        if part.done_at or _answers_say_something(part.answers) or part.attachments.exists():
            raise ValidationError(
                {"member": "They have started their part of the advice, so it cannot be taken off them"}
            )
        part.delete()
        rest = list(AdviceContribution.objects.filter(advice_request=locked).order_by("added_at", "id"))
        locked.allocated_to_id = rest[0].professional_id if rest else None
        if not rest:
            locked.status = AdviceStatus.AWAITING_ALLOCATION
            locked.known_to_service = None
        locked.save(update_fields=["status", "known_to_service", "allocated_to", "updated_at"])
        audit_record(actor=by, action="advice.unallocated", target=locked, detail={"from": member.pk})
        if rest and all(other.done_at for other in rest):  # every part left is in
            _team_advice_submit(advice=locked, by=by)
    return locked


def advice_not_known(*, advice: AdviceRequest, details: str, by) -> AdviceRequest:
    """ "Child not known to service": the manager's answer closes the team's involvement in the case and
    its due date; the caseworker is told a response waits."""
    details = details.strip()
    if not details:
        raise ValidationError({"details": "Enter the details, like 'child is not known to the service'"})
    if len(details) > 5000:
        raise ValidationError({"details": "The details must be 5,000 characters or fewer"})
    with transaction.atomic():
        locked = _locked(advice)
        _manager_or_refuse(advice=locked, by=by)
        if not locked.is_open:
            raise ValidationError("This request has been answered already")
        locked.status = AdviceStatus.NOT_KNOWN
        locked.known_to_service = False
        locked.response_details = details
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.save(
            update_fields=[
                "status",
                "known_to_service",
                "response_details",
                "submitted_at",
                "submitted_by",
                "updated_at",
            ]
        )
        _received_record(advice=locked, by=by, outcome="not_known")
        audit_record(actor=by, action="advice.not_known", target=locked)
        _caseworker_told(advice=locked, what="answered that the child is not known to the service")
    return locked


def _part_lock(*, advice: AdviceRequest, by) -> tuple[AdviceRequest, AdviceContribution]:
    """The request and this professional's part of it, locked, while the part can still be written."""
    locked = _locked(advice)
    part = (
        AdviceContribution.objects.select_for_update().filter(advice_request=locked, professional=by).first()
    )
    if part is None:
        raise PermissionDenied
    if locked.status != AdviceStatus.ALLOCATED:
        raise ValidationError("This advice has been submitted and can no longer be changed")
    if part.done_at is not None:
        raise ValidationError("You have submitted your part of this advice and it can no longer be changed")
    return locked, part


def advice_save(*, advice: AdviceRequest, answers: dict, by) -> AdviceContribution:
    """Save changes to this professional's part: keep what was typed, valid or not (drafted over
    several sessions)."""
    with transaction.atomic():
        _, part = _part_lock(advice=advice, by=by)
        if part.version_id is None:
            part.version = advice_template_version()
        part.answers = {**part.answers, **answers}
        part.save(update_fields=["version", "answers", "updated_at"])
    return part


def advice_has_content(*, part: AdviceContribution, answers: dict) -> bool:
    """A part says something: an answer in an advice area, an outcome or a provision, or a clinic
    letter or report uploaded with it."""
    return _answers_say_something(answers) or part.attachments.exists()


def _answers_say_something(answers: dict) -> bool:
    for key in ADVICE_ANSWER_KEYS:
        value = answers.get(key)
        if isinstance(value, list):
            if any(any(str(cell).strip() for cell in row.values()) for row in value):
                return True
        elif value and str(value).strip():
            return True
    return False


def advice_submit(*, advice: AdviceRequest, by) -> AdviceRequest:
    """A professional submits their part: it must say something and pass the template's checks, and is
    read-only afterwards. The last part in submits the team's advice (_team_advice_submit)."""
    with transaction.atomic():
        locked, part = _part_lock(advice=advice, by=by)
        if part.version_id is None:
            part.version = advice_template_version()
        errors = form_errors(definition_from_dict(part.version.schema), part.answers)
        if errors:
            raise ValidationError("Some of the advice is not valid", code="invalid")
        if not advice_has_content(part=part, answers=part.answers):
            raise ValidationError(
                "Give advice in at least one advice area, or upload a clinic letter, before you submit",
                code="empty",
            )
        part.done_at = timezone.now()
        part.save(update_fields=["version", "done_at", "updated_at"])
        audit_record(actor=by, action="advice.part_submitted", target=locked, detail={"part": part.pk})
        waiting = AdviceContribution.objects.filter(advice_request=locked, done_at__isnull=True).exists()
        if not waiting:
            _team_advice_submit(advice=locked, by=by)
    return locked


def advice_team_submit(*, advice: AdviceRequest, by) -> AdviceRequest:
    """A manager submits the team's advice at any time, with the parts submitted so far ("submit the
    team's advice"); parts still being written are left out and can no longer be changed. Refused while
    no part has been submitted (a submitted part always says something)."""
    with transaction.atomic():
        locked = _locked(advice)
        _manager_or_refuse(advice=locked, by=by)
        if locked.status != AdviceStatus.ALLOCATED:
            raise ValidationError({"submit": "This request has been answered already"})
        done = [
            part
            for part in AdviceContribution.objects.filter(advice_request=locked, done_at__isnull=False)
            if advice_has_content(part=part, answers=part.answers)
        ]
        if not done:
            raise ValidationError(
                {
                    "submit": "No one in the team has submitted their part of the advice yet, so there is "
                    "nothing to send"
                }
            )
        _team_advice_submit(advice=locked, by=by)
    return locked


def _team_advice_submit(*, advice: AdviceRequest, by) -> None:
    """The team's advice is submitted (the locked request, its parts checked): it is read-only, and it
    goes to the council (advice_release), or, where the council has its Designated Clinical Officer
    check health advice first (CouncilConfiguration.advice_checked_by_dco), waits for that check."""
    checked_first = configuration_get().advice_checked_by_dco
    advice.status = AdviceStatus.AWAITING_CHECK if checked_first else AdviceStatus.SUBMITTED
    advice.submitted_at = timezone.now()
    advice.submitted_by = by
    advice.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit_record(actor=by, action="advice.submitted", target=advice)
    if checked_first:
        _dco_told(advice=advice)
    else:
        advice_release(advice=advice, by=by)


def advice_release(*, advice: AdviceRequest, by) -> None:
    """The advice goes to the council: the case's "Record advice received" closes its due date (on the
    day of release: the team's submission, or the Designated Clinical Officer's check where the council
    has one) and the caseworker is told a response waits. Called inside the caller's transaction, with
    ``advice`` locked and its status already SUBMITTED."""
    _received_record(advice=advice, by=by, outcome="submitted")
    _caseworker_told(advice=advice, what="submitted its advice")


def _dco_told(*, advice: AdviceRequest) -> None:
    """Tell the council's Designated Clinical Officers that a team's advice waits for their check: what
    and by when, the reference and a link, never who (ARCHITECTURE.md 8)."""
    council, reference = council_name_current(), advice.case.reference
    for officer in dco_people():
        notify_person(
            user=officer,
            kind="advice_check",
            subject=f"{council}: advice to check for case {reference}",
            body=(
                f"{advice.team.name} has submitted its advice for case {reference}, due by "
                f"{_due_text(advice.due_on)}. It goes to the SEND team once you mark it as checked.\n\n"
                f"Sign in to the EHC Portal to check it:\n{council_url(f'/health/dco/{advice.pk}/')}"
            ),
            key=f"advice-check:{advice.pk}:{advice.submitted_at.isoformat()}:{officer.pk}",
        )


REMIND_DAYS_BEFORE = 7


def advice_reminders_send(*, today: datetime.date | None = None) -> int:
    """Daily, in one council: remind whoever holds each open request for advice, once a week before it
    is due and once when it is overdue. An allocated request reminds each team member still writing
    their part (email, and text if they chose it); one awaiting allocation reminds the team's central
    address. What waits and by when, the reference and a link, never who (ARCHITECTURE.md 8). The
    notification keys carry the due date (and the professional), so running twice reminds nobody twice,
    and a date moved by an exception earns a new reminder.
    Returns how many requests were reminded."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    writing = AdviceContribution.objects.filter(done_at__isnull=True, professional__isnull=False)
    waiting = (
        AdviceRequest.objects.filter(status__in=OPEN_STATUSES, due_on__lte=soon)
        .select_related("case", "team")
        .prefetch_related(Prefetch("contributions", queryset=writing.select_related("professional")))
    )
    council = council_name_current()
    reminded = 0
    for advice in waiting:
        overdue = advice.due_on < today
        when = (
            f"was due on {_due_text(advice.due_on)}" if overdue else f"is due by {_due_text(advice.due_on)}"
        )
        subject = f"{council}: reminder, a request for advice for case {advice.case.reference} {when}"
        key = f"advice-reminder:{advice.pk}:{'overdue' if overdue else 'soon'}:{advice.due_on.isoformat()}"
        with transaction.atomic():
            if advice.status == AdviceStatus.ALLOCATED:
                # Each professional still writing their part; one who has submitted theirs is done.
                link = council_url(f"/health/advice/{advice.pk}/")
                body = (
                    f"The advice for case {advice.case.reference} {when}. Health advice must be returned "
                    f"within 6 weeks of the request.\n\nSign in to the EHC Portal to write it:\n{link}"
                )
                for part in advice.contributions.all():
                    notify_person(
                        user=part.professional,
                        kind="advice_request",
                        subject=subject,
                        body=body,
                        key=f"{key}:{part.professional_id}",
                    )
            else:
                link = council_url("/health/team/?awaiting=1")
                body = (
                    f"The request for advice for case {advice.case.reference} to {advice.team.name} "
                    f"{when}, and is not allocated yet.\n\nSign in to the EHC Portal to allocate it:\n{link}"
                )
                notify(
                    key=f"{key}:team",
                    channel=Notification.Channel.EMAIL,
                    to=advice.team.email,
                    kind="advice_request",
                    subject=subject,
                    body=body,
                )
        reminded += 1
    return reminded
