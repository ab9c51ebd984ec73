"""The four reference councils, configured as their own guides show them (../shared/seeds/)."""

from core.roles import Role
from ehc.workflow import Stage
from tenants.configuration.models import CodeChannel, ParentForm, Registration, RequestFormVariant

ALL_VARIANTS = [v.value for v in RequestFormVariant]

# "What happens in this stage?" in the councils' own words where their guides give them.
DEFAULT_STAGES = {
    Stage.REQUEST_RECEIVED: (
        "A request for an education, health and care needs assessment has been received. We will get in "
        "touch with people from education, health and care about support that has already been provided "
        "for your child, and within 6 weeks a decision will be made whether or not to go ahead with a "
        "full assessment."
    ),
    Stage.DECISION_TO_ASSESS: (
        "We are deciding whether to carry out an assessment. We will tell you our decision within 6 weeks "
        "of receiving the request."
    ),
    Stage.ASSESSMENT: (
        "We are gathering advice and information from education, health and social care, and from you. "
        "Those we ask have 6 weeks to reply."
    ),
    Stage.DRAFT_PLAN: (
        "We have sent you a draft plan. You have at least 15 days to tell us what you think and which "
        "school or college you would like named."
    ),
    Stage.FINAL_PLAN: "We are finishing the plan. The final plan is due within 20 weeks of the request.",
    Stage.PLAN_IN_PLACE: "The plan is in place. It will be reviewed at least once every 12 months.",
}

COUNCILS = [
    {
        "name": "Oxfordshire County Council",
        "short_name": "Oxfordshire",
        "schema_name": "oxfordshire",
        "domains": ["oxfordshire.localhost"],
        "email_domain": "oxfordshire.example",
        "config": {
            "brand_colour": "#00594f",
            "contact_email": "childrenseducationsystems@oxfordshire.gov.uk",
            "contact_phone": "01865 810516",
            "contact_hours": "Monday to Friday, 9am to 5pm",
            "local_offer_url": "https://www.oxfordshire.gov.uk/cms/content/education-health-and-care-plan-assessment",
            "caseworker_title": "SEN Officer",
            "request_form_variants": ALL_VARIANTS,
            "parents_can_start_messages": True,
            "parents_can_reply": True,
            "code_length": 6,
        },
        "teams": [
            ("SEN North Team", "SENNorthTeam@Oxfordshire.gov.uk"),
            ("SEN South Team", "SENSouthTeam@Oxfordshire.gov.uk"),
            ("SEN Central Team", "SENCentralTeam@Oxfordshire.gov.uk"),
        ],
        "message_types": ["Message from parent", "EHC Needs Assessment (0-20 weeks)"],
        "staff": [
            ("admin", Role.COUNCIL_ADMIN),
            ("caseworker", Role.CASEWORKER),
            ("senior-caseworker", Role.CASEWORKER),
            ("parent", Role.PARENT),
            ("manager", Role.SEND_MANAGER),
            ("school", Role.EDUCATION_PROFESSIONAL),
        ],
    },
    {
        "name": "Worcestershire Children First",
        "short_name": "Worcestershire",
        "schema_name": "worcestershire",
        "domains": ["worcestershire.localhost"],
        "email_domain": "worcestershire.example",
        "config": {
            "brand_colour": "#6b1f4f",
            "contact_email": "send@worcschildrenfirst.org.uk",
            "local_offer_url": "https://www.worcestershire.gov.uk/worcestershire-send-local-offer",
            "caseworker_title": "SEND Caseworker",
            "request_form_variants": [RequestFormVariant.PARENT.value],
            "parent_forms": [ParentForm.PARENTAL_PREFERENCE.value],
            "registration": Registration.INVITATION,
            "accounts_confirmed_by_team": True,
            "password_min_length": 15,
            "password_require_letter": True,
            "password_require_upper": True,
            "password_require_digit": True,
            "password_restrict_characters": True,
            "password_history": 8,
            "parents_can_start_messages": True,
            "parents_can_reply": True,
        },
        "teams": [("SEND Assessment Team", "sendassessment@worcschildrenfirst.org.uk")],
        "message_types": [
            "Message from parent",
            "EHC Needs Assessment (0-20 weeks)",
            "Annual Review",
            "Phase Transfer",
            "Complaint or concern",
        ],
        "staff": [
            ("admin", Role.COUNCIL_ADMIN),
            ("caseworker", Role.CASEWORKER),
            ("senior-caseworker", Role.CASEWORKER),
            ("parent", Role.PARENT),
            ("manager", Role.SEND_MANAGER),
            ("school", Role.EDUCATION_PROFESSIONAL),
        ],
    },
    {
        "name": "Hertfordshire County Council",
        "short_name": "Hertfordshire",
        "schema_name": "hertfordshire",
        "domains": ["hertfordshire.localhost"],
        "email_domain": "hertfordshire.example",
        "config": {
            "brand_colour": "#4a2c6d",
            "contact_email": "EHCPortalSupport@hertfordshire.gov.uk",
            "local_offer_url": "https://www.hertfordshire.gov.uk/microsites/local-offer/the-hertfordshire-local-offer.aspx",
            "caseworker_title": "EHCP Coordinator",
            "request_form_variants": [RequestFormVariant.PARENT.value],
            "parent_forms": [ParentForm.PARENTAL_SUPPORTING_DOCUMENTS.value],
            "parents_can_start_messages": False,
            "messages_notice": (
                "Please note, it is NOT possible to send new messages via the Portal, please use existing "
                "methods of communications."
            ),
            "parents_can_reply": False,
            "code_length": 8,
        },
        "teams": [("EHC Needs Assessment Team", "EHCNeedsAssessment@hertfordshire.gov.uk")],
        "message_types": ["EHC Handover to new team", "Information from the SEND Service"],
        "staff": [
            ("admin", Role.COUNCIL_ADMIN),
            ("caseworker", Role.CASEWORKER),
            ("senior-caseworker", Role.CASEWORKER),
            ("parent", Role.PARENT),
            ("manager", Role.SEND_MANAGER),
            ("school", Role.EDUCATION_PROFESSIONAL),
        ],
    },
    {
        "name": "North East Lincolnshire Council",
        "short_name": "North East Lincolnshire",
        "schema_name": "nelincs",
        "domains": ["nelincs.localhost"],
        "email_domain": "nelincs.example",
        "config": {
            "brand_colour": "#005a8c",
            "service_name": "EHC Hub",
            "contact_email": "send@nelincs.gov.uk",
            "local_offer_url": "https://sendlocaloffer.nelincs.gov.uk/",
            "caseworker_title": "SEND Caseworker",
            "request_form_variants": ALL_VARIANTS,
            "code_channel": CodeChannel.EMAIL,
            "sms_code_roles": [Role.HEALTH_PROFESSIONAL.value, Role.HEALTH_TEAM_MANAGER.value],
        },
        "teams": [("SEND Team", "send@nelincs.gov.uk")],
        "message_types": ["Message from parent", "Advice request"],
        "staff": [
            ("admin", Role.COUNCIL_ADMIN),
            ("caseworker", Role.CASEWORKER),
            ("senior-caseworker", Role.CASEWORKER),
            ("parent", Role.PARENT),
            ("manager", Role.SEND_MANAGER),
            ("school", Role.EDUCATION_PROFESSIONAL),
            ("health-manager", Role.HEALTH_TEAM_MANAGER),
            ("therapist", Role.HEALTH_PROFESSIONAL),
            ("clinical-officer", Role.DESIGNATED_CLINICAL_OFFICER),
        ],
        # The guide: "All health advice is checked and collated by the Designated Clinical Officer prior
        # to submission to the Local Authority". Set by the demo's seed, not when the council is created:
        # the test session's bare councils keep today's default (advice goes straight to the council),
        # and the tests of the check turn it on themselves.
        "demo_config": {"advice_checked_by_dco": True},
        # The health hub: a team with its central address, its manager (allocates) and a therapist.
        "health_teams": [
            (
                "Children's Speech and Language Therapy",
                "slt-team@nelincs.example",
                [("health-manager", True), ("therapist", False)],
            )
        ],
        # One identity, many councils: the therapist also works for Oxfordshire's team, and manages it,
        # so their list on the platform's host has requests from both councils.
        "health_elsewhere": [
            ("oxfordshire", "Oxford Health Children's Speech and Language Therapy", "slt@oxfordshire.example")
        ],
        # Health staff get their sign-in codes by text message (Ofcom's numbers for drama: never real).
        "mobiles": {"health-manager": "07700 900001", "therapist": "07700 900002"},
        "office": {"street": "Town Hall Square", "town": "Grimsby", "postcode": "DN31 1HU"},
    },
]


# The schools and settings each council consults on draft plans (ehc.schools): the demo cases' schools.
# Each is (name, URN, UKPRN, type, central email's local part, demo members as (local part, setting
# manager)). The demo family's child with a draft plan (Honey Bee, DEMO-0007) is at Riverside Academy,
# the school the family prefers: its SENCo (school@) answers the consultation.
DEMO_SETTINGS = [
    ("Riverside Academy", "654321", "", "mainstream", "riverside-office", [("school", True)]),
    ("Meadow Primary School", "123456", "", "mainstream", "meadow-office", []),
    ("Hillside Special School", "234567", "", "special", "hillside-office", []),
    ("Little Acorns Nursery", "", "", "early_years", "acorns-office", []),
    ("County Further Education College", "", "10001234", "post16", "college-office", []),
]


def logo_svg(*, name: str, colour: str) -> bytes:
    """A plain placeholder emblem (the councils' real logos are theirs to upload)."""
    initials = "".join(word[0] for word in name.split() if word[0].isupper())[:3]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">'
        '<rect x="1" y="1" width="46" height="46" rx="6" fill="#ffffff"/>'
        f'<text x="24" y="31" font-family="Arial, sans-serif" font-size="{18 if len(initials) < 3 else 14}" '
        f'font-weight="700" text-anchor="middle" fill="{colour}">{initials}</text></svg>'
    ).encode()


# Demo cases for the SEND team's workspace, with the guides' example names, one or more at every stage.
# Append only: references (DEMO-0001...) follow the position. Each is (name, days since the request,
# caseworker: 0 = caseworker@, 1 = senior-caseworker@, None = not allocated, age in years, (setting,
# URN or UKPRN, type), SEN2 needs by rank, moves as (action, day after the request)). Dates are relative
# to the day the seed runs, so some are always due soon and some overdue.
DEMO_CASES = [
    ("Red Robin", 10, None, 6, ("Meadow Primary School", "123456", "mainstream"), ["SLCN"], []),
    (
        "Mary Bluehat",
        38,
        0,
        9,
        ("Meadow Primary School", "123456", "mainstream"),
        ["ASD", "SLCN"],
        [("consider", 3)],
    ),
    ("Harry Redhat", 50, 0, 12, ("Riverside Academy", "654321", "mainstream"), ["SEMH"], [("consider", 2)]),
    ("Sophie Greenleaf", 30, 1, 4, ("Little Acorns Nursery", "", "early_years"), ["SLCN"], []),
    (
        "Daisy Flower",
        70,
        0,
        7,
        ("Meadow Primary School", "123456", "mainstream"),
        ["MLD"],
        [("decide_to_assess", 30), ("request_advice", 31), ("request_advice", 32)],
    ),
    (
        "Oliver Oak",
        75,
        1,
        14,
        ("Hillside Special School", "234567", "special"),
        ["SLD", "PD"],
        [("decide_to_assess", 35), ("request_advice", 36)],
    ),
    (
        "Honey Bee",
        110,
        0,
        10,
        ("Riverside Academy", "654321", "mainstream"),
        ["SPLD"],
        [("decide_to_assess", 35), ("request_advice", 36), ("record_advice", 70), ("issue_draft", 100)],
    ),
    (
        "Violet Bluebell",
        200,
        0,
        8,
        ("Meadow Primary School", "123456", "mainstream"),
        ["HI"],
        [
            ("decide_to_assess", 30),
            ("request_advice", 31),
            ("record_advice", 60),
            ("issue_draft", 98),
            ("issue_final", 125),
        ],
    ),
    (
        "Jack Frost",
        420,
        1,
        16,
        ("County Further Education College", "10001234", "further_education"),
        ["ASD"],
        [
            ("decide_to_assess", 28),
            ("request_advice", 29),
            ("record_advice", 60),
            ("issue_draft", 95),
            ("issue_final", 130),
            ("record_review", 400),
        ],
    ),
    (
        "Gary Greenhat",
        60,
        0,
        11,
        ("Riverside Academy", "654321", "mainstream"),
        ["SEMH"],
        [("decide_not_to_assess", 40)],
    ),
    (
        "Peter Purple",
        150,
        1,
        13,
        ("Riverside Academy", "654321", "mainstream"),
        ["SPLD"],
        [
            ("decide_to_assess", 30),
            ("request_advice", 31),
            ("record_advice", 70),
            ("decide_not_to_issue", 100),
        ],
    ),
    (
        "Lily Pink",
        900,
        0,
        19,
        ("County Further Education College", "10001234", "further_education"),
        ["MLD"],
        [
            ("decide_to_assess", 30),
            ("request_advice", 31),
            ("record_advice", 60),
            ("issue_draft", 95),
            ("issue_final", 125),
            ("record_review", 480),
            ("cease", 850),
        ],
    ),
]
