"""The one rule of what must be put right before a plan is issued (ehc.plans.gaps)."""

import pytest

from ehc.models import PlanKind
from ehc.plans.gaps import plan_gaps
from tests.factories import (
    PlanInformationFactory,
    PlanNeedFactory,
    PlanOutcomeFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(oxfordshire, in_council):
    """A draft with something in every section (C, D, G, H1, H2 said to have nothing) and no gaps."""
    with in_council(oxfordshire):
        version = PlanVersionFactory(nothing_in=["C", "D", "G", "H1", "H2"], personal_budget="None asked for")
        PlanNeedFactory(version=version)
        PlanProvisionFactory(version=version)
        PlanInformationFactory(version=version)
        yield version


def test_a_complete_draft_has_no_gaps(complete, assert_queries):
    with assert_queries(4):
        assert plan_gaps(version=complete) == []


def test_each_gap_names_its_input_in_the_plans_order(complete):
    outcome_alone = PlanOutcomeFactory(version=complete, outcome="Will ride a bike")
    vague = PlanProvisionFactory(version=complete, provider=" ", frequency="", outcome=None)
    complete.views = "  "
    complete.nothing_in = ["D", "G", "H1", "H2"]
    gaps = plan_gaps(version=complete)
    assert [(gap.section, gap.field) for gap in gaps] == [
        ("A", "section-A"),
        ("C", "section-C"),
        ("E", f"outcome-{outcome_alone.pk}-outcome"),
        ("F", f"provision-{vague.pk}-provider"),
        ("F", f"provision-{vague.pk}-frequency"),
        ("F", f"provision-{vague.pk}-outcome"),
    ]
    assert "\u201cWill ride a bike\u201d has no provision" in gaps[2].message


def test_only_the_final_must_name_a_placement(complete):
    assert plan_gaps(version=complete) == []
    complete.kind = PlanKind.FINAL
    assert [gap.field for gap in plan_gaps(version=complete)] == ["placement_name"]
    complete.placement_name = "Larkrise Primary School"
    assert plan_gaps(version=complete) == []


def test_an_outcome_with_no_area_of_need_is_a_gap(complete):
    """Advice whose "advice area" matched no area of need brings its outcome in without one."""
    outcome = complete.outcomes.get()
    outcome.area = ""
    outcome.save()
    gaps = plan_gaps(version=complete)
    assert [(gap.section, gap.field) for gap in gaps] == [("E", f"outcome-{outcome.pk}-area")]
    assert "Select the area of need of the outcome" in gaps[0].message
