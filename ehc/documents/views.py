"""Items to view: documents the SEND team publishes to the family. Staff publish and download them
from the case; the family lists and downloads them. Every download is access-checked and audited
(ARCHITECTURE.md 7: files never sit behind a public URL)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.dateinputs import dates_posted, problems_in_page_order
from core.decorators import role_required
from core.errors import errors_by_field
from core.roles import STAFF_ROLES
from core.services import audit_record
from core.uploads import private_file_response
from ehc.cases.access import case_for_staff, case_item_for_staff
from ehc.documents import services
from ehc.family.access import family_case_or_404
from ehc.models import AccessStatus, CaseDocument

DATES = {"document_date": ("Document date", "Enter the document date")}
ORDER = ["description", "document_date", "file"]


def _file_response(request, document: CaseDocument, *, seen_by: str):
    audit_record(
        actor=request.user,
        action="document.downloaded",
        target=document,
        detail={"case": document.case.reference, "by": seen_by},
        subject=document.case.reference,
    )
    return private_file_response(document)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_document_publish(request, reference):
    """Publish a document to the family: description, document date and one file."""
    case = case_for_staff(request, reference)
    posted = request.POST if request.method == "POST" else None
    dates = dates_posted(posted, DATES)
    errors = {}
    if posted is not None:
        documents_path = reverse("family_documents", kwargs={"reference": case.reference})
        sign_in_link = request.build_absolute_uri(
            f"{reverse('account_login')}?{urlencode({'next': documents_path})}"
        )
        try:
            services.case_document_publish(
                case=case,
                description=posted.get("description", ""),
                document_date=dates["document_date"].value,
                uploaded_file=request.FILES.get("file"),
                by=request.user,
                sign_in_link=sign_in_link,
            )
        except ValidationError as error:
            # A date typed wrongly says so, rather than the service's "Enter the document date".
            errors = errors_by_field(error)
            errors |= {key: answer.error for key, answer in dates.items() if answer.error}
        else:
            messages.success(request, "Document published. The family can see it in Items to view.")
            return redirect("case_page", reference=case.reference)
    context = {
        "case": case,
        "posted": posted or {},
        "dates": dates,
        "errors": errors,
        "problems": problems_in_page_order(ORDER, errors, dates),
        "active_accesses": case.accesses.filter(status=AccessStatus.ACTIVE, user__isnull=False).count(),
    }
    return render(request, "ehc/documents/publish.html", context, status=400 if errors else 200)


@role_required(*STAFF_ROLES)
@require_GET
def case_document_download(request, reference, pk):
    document = case_item_for_staff(
        request,
        CaseDocument.objects.all(),
        reference=reference,
        action="document.downloaded",
        detail={"case": reference, "by": "staff"},
        pk=pk,
    )
    return private_file_response(document)


@login_required
@require_GET
def family_documents(request, reference):
    """Items to view: the documents published about the child, newest first."""
    case = family_case_or_404(request, reference)
    return render(
        request,
        "ehc/documents/list.html",
        {"case": case, "section": "documents", "documents": list(case.documents.all())},
    )


@login_required
@require_GET
def family_document_download(request, reference, pk):
    case = family_case_or_404(request, reference)
    document = get_object_or_404(CaseDocument, pk=pk, case=case)
    document.case = case
    return _file_response(request, document, seen_by="family")
