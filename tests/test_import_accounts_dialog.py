"""The import dialog: choose a file, map columns (remembered), preview bad rows, import."""

from types import SimpleNamespace

import pytest

from billing_desk.models import Account
from billing_desk.services import importing

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


class Prompter:
    path = None

    def open_path(self, title, filter_text):
        return self.path


@pytest.fixture
def dialog(qtbot, db, clerk, tmp_path):
    from billing_desk.ui.account_import_dialog import AccountImportDialog

    made = AccountImportDialog(SimpleNamespace(user=clerk), Prompter())
    qtbot.addWidget(made)
    made.show()
    return made


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_then_import_only_the_good_rows_and_remember_the_mapping(dialog, tmp_path):
    source = write(tmp_path / "people.csv", "Nom,Prenom,Naissance,Tel\nLee,Ann,01/02/1980,217-555-0101\n"
                                            "Moss,Cy,13/45/1990,12\n")
    dialog.prompter.path = str(source)
    dialog.choose_file()
    assert dialog.mapping() == {"phone": "Tel"}  # only the obvious one is guessed
    assert not dialog.good_button.isEnabled()
    dialog.set_column("last_name", "Nom")
    dialog.set_column("first_name", "Prenom")
    dialog.set_column("date_of_birth", "Naissance")
    dialog.check()
    assert "1 good row(s), 1 bad row(s)" in dialog.summary.text()
    bad = dialog.bad_view.model()
    rows = {(bad.data(bad.index(r, 0)), bad.data(bad.index(r, 1))) for r in range(bad.rowCount())}
    assert rows == {("3", "Naissance"), ("3", "Tel")}
    assert not dialog.all_button.isEnabled() and dialog.good_button.isEnabled()
    assert dialog.run_import(skip_bad=False) == [] and Account.select().count() == 0
    assert [a.last_name for a in dialog.run_import(skip_bad=True)] == ["Lee"]
    assert importing.remembered_mapping("accounts")["last_name"] == "Nom"
    # Next time the same columns come back by themselves.
    dialog.load_file(str(source))
    assert dialog.mapping()["date_of_birth"] == "Naissance"


def test_a_bad_file_says_why_and_nothing_can_be_imported(dialog, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"hello")
    assert not dialog.load_file(str(junk))
    assert "not an Excel workbook" in dialog.summary.text()
    assert not dialog.all_button.isEnabled() and not dialog.check_button.isEnabled()
