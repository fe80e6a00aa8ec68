"""People saving the same question at once, and saves racing the submission.

Real concurrency: gunicorn with four workers on PostgreSQL, several browsers on one
assessment's link, released together. A save is acknowledged by its success response;
the one kept must be one of those, and never one sent before another was acknowledged.
"""

from __future__ import annotations

import random
import threading
import time

from assessment.core import scoring
from assessment.core.stored_result import StoredResult
from assessment.questionnaire.service import to_scoring_answer
from tests.faults.conftest import (
    CHINESE,
    ENGLISH,
    Person,
    Save,
    Saver,
    query,
    reply_body,
    saving,
    stored_answers,
)

LOCKED = "This assessment has been submitted and can no longer be changed."


def kept_save(saves: list[Save], stored: tuple[str | None, str]) -> Save:
    """The save whose value and comment are stored; it must be the last acknowledged.

    Acknowledged: the success of its kind, 200 for an autosave and 302 for a page's Save
    (the tests check each save's exact status before calling this)."""
    matching = [s for s in saves if s.status in (200, 302) and (s.value, s.comment) == stored]
    assert len(matching) == 1, f"stored {stored} is no acknowledged save"
    kept = matching[0]
    later = [s for s in saves if s.status in (200, 302) and s.sent > kept.acknowledged]
    assert not later, f"{stored} kept, but {later[0]} was sent after it was acknowledged"
    return kept


def page_save(save: Save) -> bool:
    """Whether ``save`` was made with the page's own Save button (the first person's)."""
    return " person 0 #" in save.comment


def burst_of_saves(people: list[Person], burst: int, dimension_id: str, question: str):
    """Everyone saves ``question`` three times, starting at the same moment; the first
    person with the page's own Save button, the others by autosave."""
    saves: list[Save] = []
    together = threading.Barrier(len(people))

    def write(number: int, person: Person) -> None:
        rng = random.Random(burst * 100 + number)  # noqa: S311 - test data
        together.wait()
        for attempt in range(3):
            value, comment = rng.choice("12345"), f"burst {burst} person {number} #{attempt}"
            sent = time.monotonic()
            if number == 0:
                response = person.post_page(
                    dimension_id, {question: value}, comments={question: comment}
                )
            else:
                response = person.autosave(question, value, comment)
            saves.append(
                Save(
                    sent,
                    time.monotonic(),
                    question,
                    value,
                    comment,
                    response.status_code,
                    reply_body(response),
                )
            )
            time.sleep(rng.random() / 20)

    threads = [
        threading.Thread(target=write, args=(number, person))
        for number, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return saves


def test_many_people_saving_one_question_keep_the_last_acknowledged_value(
    serve, database_url, questionnaire_content
):
    server = serve(workers=4)
    owner = Person(server.base_url).start()
    people = [owner] + [
        Person(server.base_url, CHINESE if n % 2 else ENGLISH).join(owner.token) for n in range(7)
    ]
    dimension = questionnaire_content.dimensions[0]
    question = dimension.questions[0].id
    for burst in range(4):
        saves = burst_of_saves(people, burst, dimension.id, question)
        wrong = [s for s in saves if s.status != (302 if page_save(s) else 200)]
        assert not wrong, (wrong, server.log_text()[-3000:])
        kept_save(saves, stored_answers(database_url, owner.token)[question])

    [(status, assessment_time)] = query(
        database_url,
        "SELECT status, updated_at FROM assessment WHERE resume_token = %s",
        owner.token,
    )
    [(answer_time,)] = query(
        database_url, "SELECT updated_at FROM answer WHERE question_id = %s", question
    )
    assert status == "draft"
    assert answer_time <= assessment_time
    for person in people:
        person.close()


def test_saves_racing_the_submission_are_in_its_score_or_refused_out_loud(
    serve, database_url, questionnaire_content
):
    server = serve(workers=4)
    owner = Person(server.base_url).start()
    for dimension in questionnaire_content.dimensions:
        owner.open(dimension.id)
        response = owner.post_page(dimension.id, {q.id: "3" for q in dimension.questions})
        assert response.status_code == 302
    questions = [q.id for q in questionnaire_content.questions]
    savers = [Saver(Person(server.base_url).join(owner.token), questions, n) for n in range(6)]
    with saving(savers):
        time.sleep(1.5)
        submit_sent = time.monotonic()
        submitted = owner.submit()
        submit_acknowledged = time.monotonic()
        time.sleep(1)

    assert submitted.status_code == 302
    assert submitted.headers["Location"].endswith("/results")
    every = [s for saver in savers for s in saver.saves]
    saves = {q: [s for s in every if s.question == q] for q in questions}
    # All autosaves; which answer each gets depends only on when it reached the lock: 200
    # before the submission, 409 (the locked assessment's refusal) after it. Both are
    # pinned below: no 409 before the submission was sent, no 200 after it was answered.
    assert {s.status for s in every} <= {200, 409}, server.log_text()[-3000:]
    refused = [s for s in every if s.status == 409]
    assert refused, "no save came after the submission"
    assert all(LOCKED in s.error for s in refused)
    assert all(s.acknowledged > submit_sent for s in refused)  # never refused before it
    assert not [s for s in every if s.status == 200 and s.sent > submit_acknowledged]

    stored = stored_answers(database_url, owner.token)
    for question in questions:
        if any(s.status == 200 for s in saves[question]):
            kept_save(saves[question], stored[question])
        else:
            assert stored[question] == ("3", "")

    [(status, result, submitted_at)] = query(
        database_url,
        "SELECT status, result, submitted_at FROM assessment WHERE resume_token = %s",
        owner.token,
    )
    assert status == "submitted"
    scored = StoredResult.of(
        scoring.score(
            {q: to_scoring_answer(value) for q, (value, _) in stored.items()},
            questionnaire_content.scoring_rules,
        )
    ).to_dict()
    assert result == scored  # the score is of exactly the answers kept
    answer_times = query(
        database_url,
        "SELECT x.updated_at FROM answer x JOIN assessment a ON a.id = x.assessment_id"
        " WHERE a.resume_token = %s",
        owner.token,
    )
    assert all(answer_time <= submitted_at for (answer_time,) in answer_times)
    for person in [owner, *(saver.person for saver in savers)]:
        person.close()
