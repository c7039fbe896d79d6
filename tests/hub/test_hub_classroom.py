"""A term on a real JupyterHub, in Chromium, as the instructor and two students would do it.

`python -m grader classroom hub` on 127.0.0.1 with PAM accounts made by `classroom roster`:
the instructor releases chapter 00 in formgrader; student 1 fetches it from the Assignments
tab, answers and submits; student 2 submits it blank; the instructor collects, autogrades
with `classroom autograde` in a JupyterLab terminal, grades the essay in formgrader and
releases feedback; student 1 fetches the feedback and sees the score and no hidden test.
Then: student 2 cannot read student 1's work, and a logged-out visitor is sent to the login page.
"""
from __future__ import annotations

import html
import json
import pwd
import re
import time
from pathlib import Path

import pytest

from grader.paths import solution_notebook
from tests.hub.hub_page import (
    click_in_list,
    close_modal,
    formgrader_action,
    log_in,
    open_assignments_tab,
    open_notebook,
    run_in_terminal,
    save_notebook,
    set_cell_source,
    wait_for_file,
)
from tests.hub.hub_server import CHAPTER, ESSAY_ID, ESSAY_POINTS

pytestmark = pytest.mark.browser
EXCHANGE_COURSE = "deep-learning-responsibly"
ANSWER_ID = "normalize"
ESSAY_ANSWER = "Features on different scales need different step sizes; standardising lets one learning rate suit all."


def _solution_source(grade_id: str) -> str:
    cells = json.loads(solution_notebook(CHAPTER).read_text())["cells"]
    source = "".join(next(c for c in cells if c.get("id") == grade_id)["source"])
    return "\n".join(line for line in source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def _hidden_test_lines() -> list[str]:
    lines, inside = [], False
    for cell in json.loads(solution_notebook(CHAPTER).read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                lines.append(line.strip())
    return lines


class Steps:
    """Times each step and keeps its screenshot."""

    def __init__(self, classroom, artifacts):
        self.timings, self.artifacts, self.count = classroom.timings, artifacts, 0

    def done(self, name: str, started: float, page=None) -> None:
        self.count += 1
        self.timings[name + "_s"] = round(time.monotonic() - started, 1)
        if page is not None:
            page.screenshot(path=str(self.artifacts / f"{self.count:02d}-{name}.png"))


def _submission(classroom, student: str):
    inbound = classroom.exchange / EXCHANGE_COURSE / "inbound"
    return [p for p in inbound.iterdir() if p.name.startswith(f"{student}+{CHAPTER}+")]


def test_a_term_on_the_hub(classroom, browser, hub_artifacts):
    steps = Steps(classroom, hub_artifacts)
    accounts, hub = classroom.accounts, classroom.hub
    student1, student2 = accounts.students
    contexts = {name: browser.new_context() for name in (accounts.instructor, student1, student2)}
    try:
        # The instructor logs in and releases chapter 00 from formgrader.
        started = time.monotonic()
        teacher = log_in(contexts[accounts.instructor], hub.url, accounts.instructor,
                         accounts.passwords[accounts.instructor])
        steps.done("instructor_login", started, teacher)
        formgrader = contexts[accounts.instructor].new_page()
        formgrader.set_viewport_size({"width": 1300, "height": 850})
        started = time.monotonic()
        message = formgrader_action(formgrader, classroom.formgrader_url, CHAPTER, "release")
        assert "Successfully released" in message, message
        steps.done("instructor_releases", started, formgrader)
        close_modal(formgrader)
        assert (classroom.exchange / EXCHANGE_COURSE / "outbound" / CHAPTER / f"{CHAPTER}.ipynb").is_file()

        # Student 1 fetches it from the Assignments tab, answers, saves and submits.
        started = time.monotonic()
        first = log_in(contexts[student1], hub.url, student1, accounts.passwords[student1])
        steps.done("student1_login", started)
        started = time.monotonic()
        open_assignments_tab(first)
        listed = first.inner_text("#released_assignments_list")
        assert CHAPTER in listed, listed
        assert "another_course_assignment" not in first.inner_text(".jp-LabShell"), "another course's work is listed"
        steps.done("student1_sees_release", started, first)
        started = time.monotonic()
        click_in_list(first, "released_assignments_list", "Fetch")
        first.locator("#fetched_assignments_list", has_text=CHAPTER).wait_for(timeout=60_000)
        steps.done("student1_fetches", started, first)
        started = time.monotonic()
        open_notebook(first, f"{CHAPTER}/{CHAPTER}.ipynb")
        set_cell_source(first, ANSWER_ID, _solution_source(ANSWER_ID))
        set_cell_source(first, ESSAY_ID, ESSAY_ANSWER)
        save_notebook(first)
        steps.done("student1_answers", started, first)
        started = time.monotonic()
        open_assignments_tab(first)
        click_in_list(first, "fetched_assignments_list", "Submit")
        first.locator("#submitted_assignments_list .list_item").first.wait_for(timeout=60_000)
        assert _submission(classroom, student1), "no submission of student 1 in the exchange"
        steps.done("student1_submits", started, first)

        # Student 2 fetches and submits the release untouched.
        started = time.monotonic()
        second = log_in(contexts[student2], hub.url, student2, accounts.passwords[student2])
        open_assignments_tab(second)
        click_in_list(second, "released_assignments_list", "Fetch")
        second.locator("#fetched_assignments_list", has_text=CHAPTER).wait_for(timeout=60_000)
        click_in_list(second, "fetched_assignments_list", "Submit")
        second.locator("#submitted_assignments_list .list_item").first.wait_for(timeout=60_000)
        assert _submission(classroom, student2)
        steps.done("student2_submits_blank", started, second)

        # The instructor collects, autogrades in a terminal, grades the essay, releases feedback.
        started = time.monotonic()
        message = formgrader_action(formgrader, classroom.formgrader_url, CHAPTER, "collect")
        assert "Successfully collected" in message, message
        steps.done("instructor_collects", started, formgrader)
        close_modal(formgrader)
        for student in (student1, student2):
            assert (classroom.course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb").is_file()
        started = time.monotonic()
        output = classroom.course / "autograde-output.txt"
        run_in_terminal(teacher, f"python -m grader classroom autograde . --assignment {CHAPTER} "
                                 f"> {output.name} 2>&1; echo \"exit status $?\" >> {output.name}; cat {output.name}")
        text = wait_for_file(output, r"exit status \d+", timeout_s=420)
        assert "exit status 0" in text, text
        steps.done("instructor_autogrades", started, teacher)
        reports = sorted((classroom.course / ".grader").glob("autograde-*.json"))
        assert reports and json.loads(reports[-1].read_text())["sandbox"] is True, "autograde ran without the sandbox"
        scores = _scores(classroom)
        assert scores[student1]["auto"] == scores[student1]["auto_max"] > 0, (scores, text)
        assert scores[student2]["auto"] == 0, (scores, text)

        started = time.monotonic()
        submission_id = scores[student1]["notebook_id"]
        # The page binds its score boxes once it has loaded the grades; typing before that is not saved.
        with formgrader.expect_response(lambda r: "/formgrader/api/grades" in r.url, timeout=60_000):
            formgrader.goto(f"{classroom.formgrader_url}/submissions/{submission_id}/")
        formgrader.wait_for_load_state("networkidle")
        score_box = formgrader.locator(f"input.score#{ESSAY_ID}")
        with formgrader.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT",
                                        timeout=60_000):
            score_box.fill(str(ESSAY_POINTS))
            score_box.press("Tab")
        _wait_for(lambda: _scores(classroom)[student1]["essay"] == ESSAY_POINTS, "the essay grade to be saved")
        steps.done("instructor_grades_essay", started, formgrader)

        started = time.monotonic()
        message = formgrader_action(formgrader, classroom.formgrader_url, CHAPTER, "generate-feedback")
        assert "Successfully generated feedback" in message, message
        close_modal(formgrader)
        message = formgrader_action(formgrader, classroom.formgrader_url, CHAPTER, "release-feedback")
        assert "Successfully released feedback" in message, message
        steps.done("instructor_releases_feedback", started, formgrader)
        close_modal(formgrader)

        # Student 1 fetches the feedback: full marks, essay included, no hidden test.
        started = time.monotonic()
        open_assignments_tab(first)
        click_in_list(first, "submitted_assignments_list", "Fetch Feedback")
        feedback_files = _wait_for(lambda: sorted(_home(student1).glob(f"{CHAPTER}/feedback/*/{CHAPTER}.html")),
                                   "the feedback file in student 1's home")
        relative = feedback_files[-1].relative_to(_home(student1))
        first.goto(f"{hub.url}/user/{student1}/files/{relative}")
        body = first.inner_text("body")
        steps.done("student1_reads_feedback", started, first)
        score = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", body)
        assert score, body[:2000]
        assert float(score.group(1)) == float(score.group(2)) == scores[student1]["auto_max"] + ESSAY_POINTS, body[:500]
        page_text = html.unescape(first.content())
        leaked = [line for line in _hidden_test_lines() if line in page_text]
        assert _hidden_test_lines(), "chapter 00 should have hidden tests"
        assert not leaked, f"hidden test lines in the feedback: {leaked[:3]}"
    finally:
        for context in contexts.values():
            context.close()


def test_student_cannot_read_another_students_work(classroom, browser, hub_artifacts):
    accounts, hub = classroom.accounts, classroom.hub
    student1, student2 = accounts.students
    assert _submission(classroom, student1), "run after the term test: student 1 has submitted"
    course = classroom.course.stat()  # the Unix permissions alone already refuse; the namespace hides it too
    assert course.st_mode & 0o777 == 0o700 and course.st_uid == pwd.getpwnam(accounts.instructor).pw_uid
    context = browser.new_context()
    try:
        page = log_in(context, hub.url, student2, accounts.passwords[student2])
        inbound = f"/srv/nbgrader/exchange/{EXCHANGE_COURSE}/inbound"
        probe = "probe.txt"
        run_in_terminal(page, " ; ".join([
            f"ls {inbound} > {probe} 2>&1",
            f"cat {inbound}/{student1}+{CHAPTER}+*/{CHAPTER}.ipynb >> {probe} 2>&1",
            f"ls {classroom.course}/submitted/{student1} >> {probe} 2>&1",
            f"cat {classroom.course}/gradebook.db >> {probe} 2>&1",
            f"ls /home/{student1} >> {probe} 2>&1",
            f"echo probe-done >> {probe}; cat {probe}"]))
        text = wait_for_file(_home(student2) / probe, "probe-done", timeout_s=60)
        page.screenshot(path=str(hub_artifacts / "20-student2-refused-in-terminal.png"))
        lines = text.splitlines()
        assert "Permission denied" in lines[0], text  # inbound/ cannot be listed (mode 2733)
        assert "No such file" in lines[1], text  # so a submission's name cannot be guessed
        assert all("No such file" in line for line in lines[2:4]), text  # the course folder is not there at all
        assert "Permission denied" in lines[4], text  # homes are 0700
        assert "normalize" not in text and "SQLite" not in text

        response = page.request.get(f"{hub.url}/user/{student1}/api/contents/{CHAPTER}", max_redirects=0)
        assert response.status in (302, 403), f"student 2 reached student 1's server: {response.status}"
        response = page.request.get(f"{hub.url}/user/{student2}/formgrader", max_redirects=0)
        assert response.status == 404, "formgrader is for the instructor only"
    finally:
        context.close()


def test_logged_out_request_goes_to_the_login_page(classroom, browser, hub_artifacts):
    student1 = classroom.accounts.students[0]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{classroom.hub.url}/user/{student1}/lab/tree/{CHAPTER}/{CHAPTER}.ipynb")
        assert "/hub/login" in page.url, page.url
        assert page.locator("#username_input").is_visible()
        page.screenshot(path=str(hub_artifacts / "21-logged-out-redirected-to-login.png"))
        response = context.request.get(f"{classroom.hub.url}/user/{student1}/api/contents", max_redirects=0)
        assert response.status in (302, 403), response.status
    finally:
        context.close()


def _home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def _scores(classroom) -> dict:
    """Per student: autograded score and maximum, the essay's manual score, the submitted notebook's id."""
    from nbgrader.api import Gradebook

    from grader.gradebook import db_url

    result = {}
    with Gradebook(db_url(classroom.course), EXCHANGE_COURSE) as gradebook:
        for student in classroom.accounts.students:
            notebook = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
            essay = next(g for g in notebook.grades if g.name == ESSAY_ID)
            auto = [g for g in notebook.grades if g.auto_score is not None]
            result[student] = {"auto": sum(g.auto_score for g in auto), "auto_max": sum(g.max_score for g in auto),
                               "essay": essay.manual_score, "notebook_id": notebook.id}
    return result


def _wait_for(condition, what: str, timeout_s: float = 60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - a gradebook being written, a file not there yet
            value = None
        if value:
            return value
        time.sleep(1)
    raise TimeoutError(f"waited {timeout_s:.0f} s for {what}")
