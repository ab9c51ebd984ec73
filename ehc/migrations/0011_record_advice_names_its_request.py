from django.db import migrations


def request_named(apps, schema_editor):
    """Runs in each council's schema. A "Record advice received" written before it named the request it
    answers (``detail["request_event"]``) is given one by the rule the clock matched it by then, the
    service's name: the first request with that name on the case not yet answered, earliest first, or,
    if all are, the first with that name (answered again, which changes no date). A record naming a
    service never asked names nothing: it closed no date then, and closes none now. Idempotent: a
    record that names its request is left as it is."""
    case_event = apps.get_model("ehc", "CaseEvent")
    unnamed = case_event.objects.filter(action="record_advice").exclude(detail__has_key="request_event")
    for case_id in unnamed.order_by("case_id").values_list("case_id", flat=True).distinct():
        events = list(
            case_event.objects.filter(case_id=case_id, action__in=("request_advice", "record_advice")).order_by(
                "happened_on", "id"
            )
        )
        asked = [event for event in events if event.action == "request_advice"]
        answered = {
            event.detail["request_event"]
            for event in events
            if event.action == "record_advice" and "request_event" in event.detail
        }
        for record in events:
            if record.action != "record_advice" or "request_event" in record.detail:
                continue
            service = record.detail.get("service", "")
            same_name = [event for event in asked if event.detail.get("service", "") == service]
            request = next((event for event in same_name if event.pk not in answered), None)
            request = request or (same_name[0] if same_name else None)
            if request is None:
                continue
            answered.add(request.pk)
            record.detail = {**record.detail, "request_event": request.pk}
            record.save(update_fields=["detail"])


class Migration(migrations.Migration):
    dependencies = [("ehc", "0010_messages")]

    operations = [migrations.RunPython(request_named, migrations.RunPython.noop, elidable=True)]
