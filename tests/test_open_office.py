"""File > Open database… offers a file or an office on a server; the PC remembers a server and
opens it at the next start."""

from __future__ import annotations

from pg_office import new_database

from billing_desk.ui.office.open_office import KINDS, choose_office, remember, remembered
from billing_desk.ui.prompts import ScriptedPrompter

ADDRESS = "postgresql://frontdesk@billing-server:5432/billing"


def test_a_server_is_chosen_by_its_address_and_remembered_for_the_next_start():
    prompter = ScriptedPrompter(KINDS[1], f"  {ADDRESS} ")
    assert choose_office(prompter, "/home/office/billing-desk.sqlite") == ADDRESS
    assert remembered() is None  # only once it opened
    remember(ADDRESS)
    assert remembered() == ADDRESS
    remember("/home/office/billing-desk.sqlite")
    assert remembered() is None  # after a file, the start opens the office's own file again


def test_a_file_is_chosen_as_before_and_a_bad_address_is_said():
    chosen = choose_office(ScriptedPrompter(KINDS[0], "/tmp-office/x.sqlite"), ADDRESS)
    assert chosen == "/tmp-office/x.sqlite"
    prompter = ScriptedPrompter(KINDS[1], "billing-server:5432/billing")
    assert choose_office(prompter, ADDRESS) is None
    assert "postgresql://USER@HOST:PORT/DBNAME" in prompter.asked[-1][1]
    assert choose_office(ScriptedPrompter(None), ADDRESS) is None


def test_the_start_opens_the_server_this_pc_chose_last(qapp):
    from billing_desk.ui import app

    url = new_database("bd_window")
    remember(url)
    session = app.open_office(None, demo=False)
    try:
        assert session.opened.server == url
    finally:
        session.close()
