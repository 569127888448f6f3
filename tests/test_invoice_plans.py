"""Plans and coverage rules: terms typed and refused, rules by c/n/p, amounts met so far."""

from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.errors import ValidationError
from billing_desk.models import Coverage, Payer, Plan, PlanRule
from billing_desk.services.books import plans
from billing_desk.services.office.session import Session

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


def test_plan_terms_are_checked_and_saved(db, clerk):
    Payer.create(name="Acme")
    with pytest.raises(ValidationError) as caught:
        plans.save_plan(None, {"payer": "Nobody", "name": "", "copay": "2O", "coinsurance": "120"}, clerk)
    assert {p.field for p in caught.value.problems} == {"payer", "name", "copay", "coinsurance"}
    plan = plans.save_plan(None, {"payer": "Acme", "name": "PPO", "copay": "25", "deductible": "500",
                                  "coinsurance": "20", "out_of_pocket_max": ""}, clerk)
    assert (plan.copay, plan.deductible, plan.coinsurance, plan.out_of_pocket_max) == (
        D("25.00"), D("500.00"), D("20.00"), None)


def test_rules_by_letter_and_amounts_met(db, clerk, catalogue, make_account):
    plan = Plan.create(payer=Payer.create(name="Acme"), name="HMO", covers_unlisted=False)
    assert plans.set_rule(plan.id, "PRD-KIT", "p", clerk) == "prior_auth"
    assert plans.set_rule(plan.id, "PRD-KIT", "covered", clerk) == "covered"
    with pytest.raises(ValidationError, match="c, n, p"):
        plans.set_rule(plan.id, "99213", "maybe", clerk)
    rules = dict((c, r) for c, _d, r in plans.plan_rules(plan.id))
    assert rules == {"99213": "not_covered", "36415": "not_covered", "80053": "not_covered",
                     "PRD-KIT": "covered"}
    assert PlanRule.select().count() == 1
    coverage = Coverage.create(account=make_account(), plan=plan, member_id="X")
    with pytest.raises(ValidationError, match="Deductible met: "):
        plans.set_met(coverage.id, "abc", "0", clerk)
    plans.set_met(coverage.id, "150.00", "310.00", clerk)
    fresh = Coverage.get_by_id(coverage.id)
    assert (fresh.deductible_met, fresh.out_of_pocket_met) == (D("150.00"), D("310.00"))


def test_plans_dialog_rules_typed_in_the_table(qtbot, db, clerk, catalogue):
    from billing_desk.ui.books.catalogue_plans import PlansDialog

    Plan.create(payer=Payer.create(name="Acme"), name="PPO")
    dialog = PlansDialog(Session(db, clerk))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.fields["name"].text() == "PPO"
    dialog.table.setFocus()
    qtbot.waitUntil(dialog.table.hasFocus)
    row = [r[0] for r in dialog.rules.rows].index("PRD-KIT")
    dialog.table.setCurrentIndex(dialog.rules.index(row, 2))
    qtbot.keyClicks(dialog.table, "n")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    QApplication.processEvents()
    assert PlanRule.get().rule == "not_covered" and dialog.rules.rows[row][2] == "not covered"
    dialog.fields["copay"].setText("30")
    assert dialog.save() and Plan.get().copay == D("30.00")
    dialog.grab().save(str(db.path.parent / "plans.png"))

