"""The request forms the platform ships, from Oxfordshire's guide (seeds 001, sections 3.2 to 3.11).

A council gets these as version 1 of its own definitions when it is created, then words them its own
way (publishing new versions); a submitted request keeps the version it was made on.
"""

from core.formdefs import definition_from_dict

STATEMENT_SUFFIX = "writing to request an Education, Health and Care needs assessment under section 36 of the Children and Families Act 2014."  # noqa: E501

NEEDS_TABLE = {
    "key": "needs",
    "type": "table",
    "label": "The child or young person's needs",
    "hint": (
        "Please include detailed information about your child or young person's needs. This might include "
        "information about any diagnosis or up to date health needs, information from their last school or "
        "setting report showing their achievements and information about any care needs. Please attach "
        "documents on section 10."
    ),
    "required": True,
    "error": "Enter at least one of the child or young person's needs",
    "columns": [
        {"key": "information", "label": "Information about needs"},
        {"key": "date", "label": "Date", "type": "date"},
        {"key": "document", "label": "Name of supporting documents attached"},
    ],
}

SUPPORT_TABLES = [
    {
        "key": "health_support",
        "type": "table",
        "label": "Health Support",
        "hint": "Give details of the involvement and support provided by health services.",
        "columns": [
            {"key": "details", "label": "Involvement and support from health services"},
            {"key": "document", "label": "Name of relevant document attached"},
        ],
    },
    {
        "key": "social_care_support",
        "type": "table",
        "label": "Social Care Support",
        "hint": "Give details of the involvement and support provided by social care services.",
        "columns": [
            {"key": "details", "label": "Involvement and support from social care services"},
            {"key": "document", "label": "Name of relevant document attached"},
        ],
    },
]

SCHOOL_EVIDENCE = [
    ("evidence_school_report", "School report including child's strengths"),
    (
        "evidence_needs",
        "The child's needs: evidence that the child or young person has long term, complex needs requiring "
        "co-ordinated provision in the school",
    ),
    (
        "evidence_provision_tracker",
        "Individual Provision Tracker (or equivalent with identical details) clearly showing impact of "
        "intervention, current interventions in place and how the £6,000 has been applied",
    ),
    (
        "evidence_pupil_profile",
        "Pupil Profile (or equivalent with identical details) to show support provided and progress over a "
        "12-month period (including 3 dated reviews)",
    ),
    ("evidence_medical_diagnosis", "Medical Diagnosis"),
    ("evidence_timetable", "Timetable detailing current support"),
    ("evidence_taf_minutes", "TAF Minutes / EHA Document, if relevant"),
    ("evidence_risk_assessment", "Risk assessment, if relevant"),
    ("evidence_pep", "PEP (for LAC only)"),
]


def _pages(*, professional: bool, setting_label: str = "") -> list[dict]:
    statements = (
        [["professional", f"I am a professional {STATEMENT_SUFFIX}"]]
        if professional
        else [
            ["parent", f"I am the parent and I am {STATEMENT_SUFFIX}"],
            ["young_person", f"I am 16 or over and am {STATEMENT_SUFFIX}"],
        ]
    )
    on_behalf = [["myself", "Myself"], ["someone_else", "Someone else"]]
    on_behalf.append(["professional", "Someone else in a professional capacity"])
    part3 = [NEEDS_TABLE]
    if professional:
        part3 += [
            {
                "key": key,
                "type": "text",
                "label": label,
                "hint": "Name, date and author of relevant document attached (please attach it in section 10)",
                "required": key in {"evidence_school_report", "evidence_needs", "evidence_pupil_profile"},
                "error": f"Enter the document for: {label.split(':')[0]}",
            }
            for key, label in SCHOOL_EVIDENCE
        ]
    application = [
        {
            "key": "request_statements",
            "type": "checkboxes",
            "label": "Please tick the relevant statements",
            "required": True,
            "error": "Tick the statement that applies to you",
            "choices": statements,
        }
    ]
    if professional:
        application.append(
            {
                "key": "setting_name",
                "type": "text",
                "label": f"I am a representative of the following {setting_label}",
                "required": True,
                "error": f"Enter the name of your {setting_label}",
            }
        )
    return [
        {"key": "application", "title": "Application details", "questions": application},
        {
            "key": "contents",
            "title": "Contents of the Application Form",
            "content": (
                "Part 1 Personal Details contains personal information relating to the child or young person "
                "and their family members and carers. Part 2 'All About Me' records the views, interests and "
                "ambitions of the child or young person. Parts 3 to 5 record their needs, the support in place "
                "and anything else to consider. Part 6 is consent, and Part 10 is where you attach documents. "
                "Your council's Local Offer has guidance on gathering this information."
            ),
        },
        {
            "key": "part1",
            "title": "Part 1: Personal Details",
            "content": "Who is the Assessment for?",
            "questions": [
                {
                    "key": "on_behalf_of",
                    "type": "choice",
                    "label": "I am completing this form on behalf of",
                    "required": True,
                    "error": "Select who you are completing this form on behalf of",
                    "choices": on_behalf,
                },
                {
                    "key": "relationship",
                    "type": "text",
                    "label": "Your relationship to person",
                    "required": True,
                    "error": "Enter your relationship to the person",
                },
                {
                    "key": "first_name",
                    "type": "text",
                    "label": "First name",
                    "required": True,
                    "error": "Enter their first name",
                },
                {
                    "key": "last_name",
                    "type": "text",
                    "label": "Last name",
                    "required": True,
                    "error": "Enter their last name",
                },
                {
                    "key": "date_of_birth",
                    "type": "date",
                    "label": "Date of birth",
                    "hint": "For example, 27 3 2015",
                    "required": True,
                    "error": "Enter their date of birth",
                },
                {
                    "key": "parent1_name",
                    "type": "text",
                    "label": "Parent or carer 1: full name",
                    "required": True,
                    "error": "Enter the name of parent or carer 1",
                },
                {"key": "parent1_phone", "type": "text", "label": "Parent or carer 1: telephone"},
                {"key": "parent1_email", "type": "text", "label": "Parent or carer 1: email address"},
                {"key": "parent2_name", "type": "text", "label": "Parent or carer 2: full name"},
            ],
        },
        {
            "key": "part2",
            "title": "Part 2: 'All About Me'",
            "content": (
                "This section is to record the views, interests and ideas of the child or young person and "
                "his or her family."
            ),
            "questions": [
                {
                    "key": "views_child",
                    "type": "textarea",
                    "label": "Views of the child or young person",
                    "required": True,
                    "error": "Enter the views of the child or young person",
                },
                {"key": "views_family", "type": "textarea", "label": "Views of the parents or carers"},
            ],
        },
        {
            "key": "part3",
            "title": "Part 3: Education, Health, Care Strengths, Needs and Support",
            "content": (
                "Provide evidence of the child's special educational needs. The documents will be attached in "
                "section 10, Supporting Documentation."
            ),
            "questions": part3,
        },
        {
            "key": "part4",
            "title": "Part 4: Current Support in Place for Your Child or Young Person",
            "content": "Add the details of the involvement and support provided by Health and Social Care services.",
            "questions": SUPPORT_TABLES,
        },
        {
            "key": "part5",
            "title": "Part 5: Additional Considerations",
            "questions": [
                {
                    "key": "additional",
                    "type": "textarea",
                    "label": "Please add any additional information that you feel should be considered",
                    "hint": (
                        "For a young person aged over 18 please explain why additional time is needed to "
                        "complete formal education or training."
                    ),
                }
            ],
        },
        {
            "key": "part6",
            "title": "Part 6: Consent",
            "content": "Parent or carer agreement for consideration to assess.",
            "questions": [
                {
                    "key": "consent",
                    "type": "checkboxes",
                    "label": "Consent",
                    "required": True,
                    "error": "Confirm that you would like to request an EHC needs assessment",
                    "choices": [
                        [
                            "confirmed",
                            "I confirm I would like to request an EHC needs assessment for my child",
                        ]
                    ],
                },
                {
                    "key": "consent_name",
                    "type": "text",
                    "label": "Parent/Carer 1: Name",
                    "required": True,
                    "error": "Enter the name of the parent or carer giving consent",
                },
                {
                    "key": "consent_date",
                    "type": "date",
                    "label": "Date",
                    "required": True,
                    "error": "Enter the date of consent",
                },
                {
                    "key": "preferred_contact",
                    "type": "choice",
                    "label": "Preferred method of contact",
                    "required": True,
                    "error": "Select a preferred method of contact",
                    "choices": [
                        ["portal", "Portal"],
                        ["email", "Email"],
                        ["post", "Post"],
                        ["telephone", "Telephone"],
                    ],
                },
            ],
        },
        {
            "key": "part10",
            "title": "Part 10: Supporting Documentation",
            "content": "Please upload files individually and ensure the correct file versions are named correctly.",
            "questions": [{"key": "documents", "type": "files", "label": "Upload Document"}],
        },
    ]


REQUEST_FORMS = {
    "parent": {"name": "Parents/Young Person EHCNA Application Form", "pages": _pages(professional=False)},
    "early_years": {
        "name": "Early Years EHCNA Application Form",
        "pages": _pages(professional=True, setting_label="early years setting"),
    },
    "primary": {
        "name": "Primary School EHCNA Application Form",
        "pages": _pages(professional=True, setting_label="school"),
    },
    "secondary": {
        "name": "Secondary School/Further Education EHCNA Application Form",
        "pages": _pages(professional=True, setting_label="school or college"),
    },
}

# Checked when the module loads: a malformed definition fails at start-up, not on a parent's screen.
for _slug, _data in REQUEST_FORMS.items():
    definition_from_dict(_data)


# Forms tied to a case (FormDefinition.kind "case_form"): the SEND team sends them to a family member
# (Items to complete, Oxfordshire's guide section 4.2 and Worcestershire's "Actions to Complete"), or a
# parent starts one the council offers (Hertfordshire's "Forms you can start"). Same engine as the
# request: save for later, check answers, submit with confirmation, view and PDF.
CASE_FORM_KIND = "case_form"
YES_NO = [["yes", "Yes"], ["no", "No"]]

CASE_FORMS = {
    "parental_response": {
        "name": "Parental Response & Preference for DRAFT EHCP",
        "pages": [
            {
                "key": "draft_plan",
                "title": "Your response to the draft plan",
                "content": (
                    "Tell us what you think of the draft Education, Health and Care plan. You have at least "
                    "15 days from the day the draft plan was sent to you."
                ),
                "questions": [
                    {
                        "key": "comments",
                        "type": "textarea",
                        "label": "Your comments on the draft plan",
                        "hint": "Say which sections you agree with and what you would like changed, and why.",
                        "required": True,
                        "error": "Enter your comments on the draft plan",
                    },
                    {
                        "key": "agree",
                        "type": "choice",
                        "label": "Do you agree with the draft plan?",
                        "required": True,
                        "error": "Select whether you agree with the draft plan",
                        "choices": [["yes", "Yes"], ["no", "No"], ["in_part", "In part"]],
                    },
                ],
            },
            {
                "key": "preference",
                "title": "School or college preference",
                "content": (
                    "You can ask for a particular school or college to be named in the plan. We must "
                    "consult it before the final plan is issued."
                ),
                "questions": [
                    {
                        "key": "setting_name",
                        "type": "text",
                        "label": "The school or college you would like named in the plan",
                        "required": True,
                        "error": "Enter the name of the school or college you would like named",
                    },
                    {
                        "key": "setting_address",
                        "type": "textarea",
                        "label": "Its address",
                    },
                    {
                        "key": "setting_urn",
                        "type": "text",
                        "label": "Its URN (unique reference number), if you know it",
                        "hint": "A 6-digit number. You can find it on Get Information about Schools.",
                    },
                    {
                        "key": "reasons",
                        "type": "textarea",
                        "label": "Why you would like this school or college named",
                        "required": True,
                        "error": "Enter why you would like this school or college named",
                    },
                ],
            },
            {
                "key": "next_steps",
                "title": "Meeting and personal budget",
                "questions": [
                    {
                        "key": "meeting",
                        "type": "choice",
                        "label": "Would you like a meeting with us to discuss the draft plan?",
                        "required": True,
                        "error": "Select whether you would like a meeting to discuss the draft plan",
                        "choices": YES_NO,
                    },
                    {
                        "key": "personal_budget",
                        "type": "choice",
                        "label": "Would you like to request a personal budget?",
                        "hint": (
                            "A personal budget is an amount of money identified to deliver some of the "
                            "provision in the plan."
                        ),
                        "required": True,
                        "error": "Select whether you would like to request a personal budget",
                        "choices": YES_NO,
                    },
                ],
            },
        ],
    },
    "parental_supporting_documents": {
        "name": "Parental Supporting Documents",
        "pages": [
            {
                "key": "documents",
                "title": "Supporting documents",
                "content": "Give details of the attachment in the text box and upload the document.",
                "questions": [
                    {
                        "key": "description",
                        "type": "textarea",
                        "label": "Details of the documents you are sending",
                        "required": True,
                        "error": "Enter details of the documents you are sending",
                    },
                    {"key": "documents", "type": "files", "label": "Upload Document"},
                ],
            }
        ],
    },
    "parental_preference": {
        "name": "Parental Preference Form",
        "pages": [
            {
                "key": "preference",
                "title": "Your preferred school or college",
                "questions": [
                    {
                        "key": "setting_name",
                        "type": "text",
                        "label": "The school, college or other setting you would prefer",
                        "required": True,
                        "error": "Enter the school, college or other setting you would prefer",
                    },
                    {
                        "key": "reasons",
                        "type": "textarea",
                        "label": "Why you prefer it",
                        "required": True,
                        "error": "Enter why you prefer this school, college or setting",
                    },
                ],
            }
        ],
    },
}

for _slug, _data in CASE_FORMS.items():
    definition_from_dict(_data)
