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


def _area_questions() -> list[dict]:
    questions = []
    for key, label in ADVICE_AREAS:
        questions += [
            {
                "key": f"{key}_strengths",
                "type": "textarea",
                "label": f"{label}: the child's strengths",
            },
            {
                "key": f"{key}_needs",
                "type": "textarea",
                "label": f"{label}: the child's special educational needs",
                "hint": "Explain the impact of any condition on the child's functioning, in plain "
                "language: a list of diagnoses is not a description of need.",
            },
        ]
    return questions


ADVICE_FORM = {
    "name": "Health advice",
    "pages": [
        {
            "key": "advice",
            "title": "Advice",
            "content": "Comment only on the advice areas within your own area of professional expertise. "
            "Do not recommend a type of educational setting, a level of educational support or a "
            "school.",
            "questions": [
                *_area_questions(),
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
        }
    ],
}

# The questions whose answer counts as advice given (an area's strengths or needs, an outcome or a
# provision): submitted advice must say something in one of them.
ADVICE_ANSWER_KEYS = tuple(q["key"] for q in ADVICE_FORM["pages"][0]["questions"])
