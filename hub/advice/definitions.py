"""The health advice template as a form definition (ARCHITECTURE.md 4), from North East Lincolnshire's
EHC Hub guide: for each advice area the child's strengths and special educational needs, outcomes with
the steps towards them, and the provision that supports them. Installed into every council's schema by
hub's migration; a council may publish its own version like any other form."""

ADVICE_FORM_SLUG = "health-advice"
ADVICE_FORM_KIND = "health_advice"

# The four broad areas of need of the SEND Code of Practice (6.28), and health care needs, which
# section C of a plan describes.
ADVICE_AREAS = (
    ("communication", "Communication and interaction"),
    ("cognition", "Cognition and learning"),
    ("semh", "Social, emotional and mental health"),
    ("sensory_physical", "Sensory and/or physical needs"),
    ("health", "Health care needs"),
)


def _area_page(key: str, label: str) -> dict:
    return {
        "key": key,
        "title": label,
        "questions": [
            {"key": f"{key}_strengths", "type": "textarea", "label": "The child's strengths"},
            {
                "key": f"{key}_needs",
                "type": "textarea",
                "label": "The child's special educational needs",
                "hint": "Explain the impact of any condition on the child's functioning, in plain "
                "language: a list of diagnoses is not a description of need.",
            },
        ],
    }


# One page a part: the advice template shows them all on one page, each part under its own heading.
ADVICE_FORM = {
    "name": "Health advice",
    "pages": [
        *(_area_page(key, label) for key, label in ADVICE_AREAS),
        {
            "key": "outcomes",
            "title": "Outcomes",
            "questions": [
                {
                    "key": "outcomes",
                    "type": "table",
                    "label": "Outcome",
                    "hint": "Outcomes start from the child's own aspirations, and are specific, "
                    "measurable, achievable, realistic and timely.",
                    "add_label": "Add a new outcome",
                    "columns": [
                        {"key": "area", "label": "Advice area", "type": "text"},
                        {"key": "outcome", "label": "Outcome", "type": "textarea"},
                        {"key": "steps", "label": "Steps towards this outcome", "type": "textarea"},
                    ],
                },
            ],
        },
        {
            "key": "provision",
            "title": "Provision",
            "questions": [
                {
                    "key": "provision",
                    "type": "table",
                    "label": "Provision",
                    "hint": "Say exactly what will happen, who will do it, how often, and when it will be "
                    "reviewed. Only provision within your own service or expertise.",
                    "add_label": "Add new provision",
                    "columns": [
                        {"key": "outcome", "label": "Outcome it supports", "type": "text"},
                        {"key": "provision", "label": "Provision", "type": "textarea"},
                    ],
                },
            ],
        },
        {
            "key": "documents",
            "title": "Clinic letters and reports",
            "content": "Upload documents such as clinic letters, assessment reports or a health care plan "
            "to support your advice, and summarise the child's needs in the advice areas above. "
            "Paediatric secretaries only need to upload the clinic letters.",
            "questions": [{"key": "documents", "type": "files", "label": "Upload Document"}],
        },
    ],
}

ADVICE_GUIDANCE = (
    "Comment only on the advice areas within your own area of professional expertise. Do not recommend a "
    "type of educational setting, a level of educational support or a school."
)

# The questions whose answer counts as advice given (an area's strengths or needs, an outcome or a
# provision): submitted advice must say something in one of them, or carry a clinic letter.
ADVICE_ANSWER_KEYS = tuple(
    q["key"] for page in ADVICE_FORM["pages"] for q in page["questions"] if q["type"] != "files"
)
