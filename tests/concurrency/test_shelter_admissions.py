"""Two admissions for a shelter's last place, from two connections at once: one admitted, one refused."""

from __future__ import annotations

from ctm.assistance.domain import shelters
from ctm.assistance.models import ShelterStay
from ctm.cases.models import Case
from ctm.core.errors import InvalidTransition
from tests import factories as f


def test_two_admissions_for_the_last_place(race, personas):
    """The first admission holds its transaction open after its write; the second, for another case,
    waits on the shelter's row lock, then counts the first's stay and is refused."""
    p = personas
    shelter = shelters.create_shelter(by=p.case_manager, name="Last place", places=2)
    shelters.admit(Case.objects.get(pk=p.case.pk), by=p.caseworker, shelter=shelter)
    one, two = (f.make_case(p.caseworker, given=f"G{i}", family="F") for i in range(2))
    first, second = race(
        lambda: shelters.admit(Case.objects.get(pk=one.pk), by=p.caseworker, shelter=shelter),
        lambda: shelters.admit(Case.objects.get(pk=two.pk), by=p.caseworker, shelter=shelter),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert ShelterStay.objects.filter(shelter=shelter, discharged_on__isnull=True).count() == 2
