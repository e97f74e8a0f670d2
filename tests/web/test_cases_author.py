"""The case bank's authoring side: the editor, review, import and export, upkeep, media."""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import SystemClock
from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_spreadsheet import write_cases_xlsx
from examsrv.persistence.case_bank import review, save_version
from examsrv.persistence.case_tables import (
    CaseAnswer,
    CaseAttempt,
    CaseAttemptStatus,
    CaseItem,
    CaseVersion,
    MediaFile,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.settings import Settings
from tests.conftest import add_user, csrf_of, login

REVIEWERS = ("rev1", "rev2", "rev3")


@contextmanager
def open_client(settings: Settings) -> Iterator[TestClient]:
    """A client of its own application, started and shut down around the block."""
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def staff(engine: Engine) -> None:
    add_user(engine, "author", Role.AUTHOR)
    add_user(engine, "admin", Role.ADMIN)
    for name in REVIEWERS:
        add_user(engine, name, Role.AUTHOR)
    add_user(engine, "10001", Role.CANDIDATE)


@pytest.fixture
def web(settings: Settings, staff: None) -> Iterator[TestClient]:
    with open_client(replace(settings, case_reviewers_required=3)) as client:
        login(client, "author")
        yield client


# --- building cases -----------------------------------------------------------------------


def turn(key: str, parent: str | None, speaker: str, text: str, **notes: Any) -> dict[str, Any]:
    return {"key": key, "parent": parent or "", "speaker": speaker, "text": text, **notes}


BRANCHING = [
    turn(
        "t1", None, "customer", "我这个月的话费怎么多了50元？", emotion="疑惑", thought="怀疑乱扣费"
    ),
    turn("t2", "t1", "csr", "您别着急，我马上帮您查一下账单明细。", reasons="先安抚情绪\n查询账单"),
    turn("t3", "t2", "customer", "那这50元到底是什么费用？"),
    turn("t4", "t2", "customer", "我要投诉你们乱扣费！", emotion="愤怒"),
    turn("t5", "t3", "csr", "是您订购的视频会员包月费。", reasons="如实说明\n给出退订方法"),
    turn("t6", "t5", "customer", "哦，那我退订吧。", outcome="帮客户退订", feeling="满意"),
    turn("t7", "t4", "csr", "非常理解您的心情，我先为您登记。", reasons="共情\n按流程登记"),
    turn("t8", "t7", "customer", "好吧，等你们回复。", outcome="登记投诉", feeling="情绪平复"),
]
QUESTIONS = [
    {
        "key": "q1",
        "kind": "single",
        "prompt": "客户第一句话说明了什么？",
        "turn_key": "t1",
        "options": "客户想办新业务\n客户对扣费有疑问\n客户要销户",
        "answer": "B",
        "points": "2",
    },
    {"key": "q2", "kind": "true_false", "prompt": "客服先安抚了客户。", "answer": "对"},
]


def editor_form(
    key: str = "C-BILL-1",
    turns: list[dict[str, Any]] = BRANCHING,
    questions: list[dict[str, Any]] = QUESTIONS,
    **fields: str,
) -> dict[str, str]:
    data = {
        "key": key,
        "title": "话费突增",
        "level": "2",
        "category": "账务",
        "pool": "training",
        "kind": "text",
        "background": "客户张女士发现本月话费比平时多了50元。",
        "action": "save",
        **fields,
    }
    for i, row in enumerate(turns):
        data.update({f"turns-{i}-{name}": value for name, value in row.items()})
    for i, row in enumerate(questions):
        data.update({f"questions-{i}-{name}": value for name, value in row.items()})
    return data


def post_editor(client: TestClient, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    csrf = csrf_of(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": csrf}, follow_redirects=False, **kwargs)


def spec(key: str, *, level: int = 1, category: str = "账务", kind: str = "text") -> CaseSpec:
    return CaseSpec(
        key=key,
        title=f"案例 {key}",
        level=level,
        category=category,
        pool=Pool.TRAINING,
        kind=CaseKind(kind),
        background="客户来电咨询。",
        turns=(
            Turn("t1", Speaker.CUSTOMER, "请问怎么查话费？"),
            Turn("t2", Speaker.CSR, "发送短信CXHF到10086即可。", "t1", reasons=("准确",)),
            Turn("t3", Speaker.CUSTOMER, "好的谢谢。", "t2", outcome="已告知", feeling="满意"),
        ),
        questions=(
            Question("q1", QuestionKind.TRUE_FALSE, "客服回答正确。", "t2", answer=("true",)),
        ),
    )


def make_live(engine: Engine, *specs: CaseSpec) -> list[int]:
    """Store each spec as a version approved by the three reviewers; the case ids."""
    now = SystemClock().now()
    ids = []
    with session_scope(engine) as s:
        for one in specs:
            version = save_version(s, one, actor="author", now=now, submit=True)
            assert version is not None
            for name in REVIEWERS:
                review(
                    s,
                    version.id or 0,
                    reviewer=name,
                    approve=True,
                    comment="",
                    required=3,
                    now=now,
                )
            ids.append(version.case_id)
    return ids


def case_versions(engine: Engine, key: str) -> list[tuple[int, str]]:
    with Session(engine) as s:
        item = s.exec(select(CaseItem).where(CaseItem.key == key)).one()
        rows = s.exec(
            select(CaseVersion).where(CaseVersion.case_id == item.id).order_by(CaseVersion.number)
        ).all()
        return [(v.number, v.status) for v in rows]


def count_cases(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(CaseItem)).one()


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x01" * int(seconds * rate))
    return out.getvalue()


# --- the editor ---------------------------------------------------------------------------


def test_a_branching_case_is_written_in_the_editor_and_listed_as_a_draft(
    web: TestClient, engine: Engine
) -> None:
    response = post_editor(web, "/author/cases/new", editor_form())
    assert response.status_code == 303, response.text
    assert "/preview?version=1&saved=1" in response.headers["location"]
    preview = web.get(response.headers["location"]).text
    assert "已保存为第 1 版" in preview or "草稿" in preview
    # The outline follows depth_first: t4's branch comes after t3's whole branch.
    assert preview.index("那这50元") < preview.index("哦，那我退订吧") < preview.index("我要投诉")
    assert "先安抚情绪" in preview and "帮客户退订" in preview  # a training case: annotated
    listing = web.get("/author/cases").text
    assert "C-BILL-1" in listing and "草稿" in listing
    assert case_versions(engine, "C-BILL-1") == [(1, "draft")]
    assert "C-BILL-1" not in web.get("/author/cases?status=live").text


def test_row_buttons_add_a_reply_with_a_fresh_key_and_the_parent_preset(web: TestClient) -> None:
    data = editor_form(action="csr:0", turns=BRANCHING[:1], questions=[])
    response = post_editor(web, "/author/cases/new", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="rows">')  # only the rows, for htmx to swap
    assert 'name="turns-1-key" value="t2"' in html
    new_row = html[html.index('name="turns-1-parent"') :]
    assert '<option value="t1" selected>' in new_row[: new_row.index("</select>")]
    assert "autofocus" in html
    # Without htmx the whole page comes back, nothing saved.
    data = editor_form(action="delete-turn:1", turns=BRANCHING[:2], questions=[])
    page = post_editor(web, "/author/cases/new", data).text
    assert "<html" in page and 'name="turns-1-key"' not in page


def test_an_invalid_tree_shows_each_problem_beside_its_turn_and_saves_nothing(
    web: TestClient, engine: Engine
) -> None:
    turns = [
        turn("t1", None, "customer", "宽带断了。"),
        turn("t2", "t3", "csr", "我帮您看看。", reasons="排查"),  # t2 ⇄ t3: a cycle
        turn("t3", "t2", "customer", "快点！"),
        turn("t4", "t1", "csr", "请重启光猫。", reasons="先自助排障"),  # a CSR leaf
        turn("t5", "t9", "customer", "好了。", outcome="修好", feeling="满意"),  # no t9
    ]
    response = post_editor(web, "/author/cases/new", editor_form(turns=turns, questions=[]))
    assert response.status_code == 400
    page = response.text
    assert "没有保存" in page
    assert "有环" in page
    assert "上一句 t9 不存在" in page
    assert "案例应以客户的结束语（叶）收尾" in page
    # Problems stand in their turn's row: the missing parent in t5's.
    row_t5 = page[page.index('id="turn-row-4"') :]
    assert "上一句 t9 不存在" in row_t5[: row_t5.index("</ul>")]
    assert 'value="t9" selected' in page  # what the author wrote is kept
    assert count_cases(engine) == 0


# --- review -------------------------------------------------------------------------------


def _submit(client: TestClient, case_id: int, number: int) -> Any:
    csrf = csrf_of(client.get(f"/author/cases/{case_id}").text)
    return client.post(
        f"/author/cases/{case_id}/versions/{number}/submit",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )


def _decide(client: TestClient, version_id: int, decision: str, comment: str = "") -> Any:
    csrf = csrf_of(client.get("/author/reviews").text)
    return client.post(
        f"/author/reviews/{version_id}",
        data={"csrf_token": csrf, "decision": decision, "comment": comment},
        follow_redirects=False,
    )


def _ids(engine: Engine, key: str) -> tuple[int, int]:
    with Session(engine) as s:
        item = s.exec(select(CaseItem).where(CaseItem.key == key)).one()
        version = s.exec(
            select(CaseVersion).where(CaseVersion.case_id == item.id).order_by(CaseVersion.number)
        ).all()[-1]
        return item.id or 0, version.id or 0


def test_three_other_reviewers_make_a_version_live_and_its_author_cannot_review(
    web: TestClient, engine: Engine
) -> None:
    post_editor(web, "/author/cases/new", editor_form())
    case_id, version_id = _ids(engine, "C-BILL-1")
    assert _submit(web, case_id, 1).status_code == 303
    assert case_versions(engine, "C-BILL-1") == [(1, "in_review")]
    assert "C-BILL-1" not in web.get("/author/reviews").text  # not in the author's own queue
    refused = _decide(web, version_id, "approve")
    assert refused.status_code == 409 and "不能审核自己" in refused.text
    for i, name in enumerate(REVIEWERS, start=1):
        login(web, name)
        queue = web.get("/author/reviews").text
        assert "C-BILL-1" in queue and f"已有 {i - 1} / 3 位评审通过" in queue
        assert _decide(web, version_id, "approve").status_code == 303
        assert "C-BILL-1" not in web.get("/author/reviews").text  # reviewed once
    assert case_versions(engine, "C-BILL-1") == [(1, "live")]
    again = _decide(web, version_id, "approve")
    assert again.status_code == 409
    detail = web.get(f"/author/cases/{case_id}").text
    assert "rev1" in detail and "rev3" in detail
    assert "C-BILL-1" in web.get("/author/cases?status=live").text


def test_a_rejection_needs_a_reason_and_sends_the_version_back(
    web: TestClient, engine: Engine
) -> None:
    post_editor(web, "/author/cases/new", editor_form())
    case_id, version_id = _ids(engine, "C-BILL-1")
    _submit(web, case_id, 1)
    login(web, "rev1")
    assert _decide(web, version_id, "reject").status_code == 400
    assert case_versions(engine, "C-BILL-1") == [(1, "in_review")]
    assert _decide(web, version_id, "reject", "第二个问题的答案不对").status_code == 303
    assert case_versions(engine, "C-BILL-1") == [(1, "rejected")]
    login(web, "author")
    detail = web.get(f"/author/cases/{case_id}").text
    assert "第二个问题的答案不对" in detail and "被退回" in detail
    assert _submit(web, case_id, 1).status_code == 303  # revised or not, it may go again
    assert case_versions(engine, "C-BILL-1") == [(1, "in_review")]


def test_editing_a_live_case_makes_a_second_draft_while_the_first_stays_live(
    web: TestClient, engine: Engine
) -> None:
    (case_id,) = make_live(engine, spec("C-LIVE"))
    page = web.get(f"/author/cases/{case_id}/edit").text
    key_input = page[page.index('name="key"') :]
    assert "readonly" in key_input[: key_input.index(">")] and "请问怎么查话费？" in page
    form = editor_form(
        key="C-LIVE",
        turns=[
            turn("t1", None, "customer", "请问怎么查话费和流量？"),
            turn("t2", "t1", "csr", "发送短信CXHF到10086即可。", reasons="准确"),
            turn("t3", "t2", "customer", "好的谢谢。", outcome="已告知", feeling="满意"),
        ],
        questions=[],
    )
    response = post_editor(web, f"/author/cases/{case_id}/edit", form)
    assert response.status_code == 303
    assert case_versions(engine, "C-LIVE") == [(1, "live"), (2, "draft")]
    listing = web.get("/author/cases").text
    row = listing[listing.index("C-LIVE") :]
    assert "v1" in row and "v2" in row
    # Saving the same again makes no version.
    response = post_editor(web, f"/author/cases/{case_id}/edit", form)
    assert "unchanged=1" in response.headers["location"]
    assert len(case_versions(engine, "C-LIVE")) == 2


# --- voice cases and media ----------------------------------------------------------------


VOICE_TURNS = [
    turn("t1", None, "customer", "我要停机保号。", start_s="0"),
    turn("t2", "t1", "csr", "好的，请提供机主身份证号。", reasons="核实身份", start_s="3.5"),
    turn("t3", "t2", "customer", "好的。", outcome="已办理", feeling="满意", start_s="8"),
]


def _voice(client: TestClient, data: bytes, name: str = "call.wav") -> Any:
    form = editor_form(key="V-1", kind="voice", turns=VOICE_TURNS, questions=[], play_once="1")
    return post_editor(
        client, "/author/cases/new", form, files={"recording": (name, data, "audio/wav")}
    )


def test_a_recording_that_is_not_audio_or_too_large_is_refused_clearly(
    settings: Settings, staff: None, engine: Engine
) -> None:
    with open_client(replace(settings, media_max_bytes=4000)) as client:
        login(client, "author")
        response = _voice(client, b"ID3 this is an mp3, not a wav" * 10, "call.mp3")
        assert response.status_code == 400 and "WAV" in response.text
        response = _voice(client, wav_bytes(seconds=1.0))  # 16 kB > 4000 bytes
        assert response.status_code == 400 and "过大" in response.text
        assert "请重新选择" in response.text
    assert count_cases(engine) == 0
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(MediaFile)).one() == 0


def test_a_wav_recording_is_stored_and_served_with_ranges(web: TestClient, engine: Engine) -> None:
    audio = wav_bytes()
    response = _voice(web, audio)
    assert response.status_code == 303, response.text
    with Session(engine) as s:
        media = s.exec(select(MediaFile)).one()
        assert media.name.startswith("V-1-") and media.name.endswith(".wav")
        assert media.size == len(audio) and 0.4 < media.duration_s < 0.6
    preview = web.get(response.headers["location"]).text
    assert f'src="/author/media/{media.name}"' in preview
    whole = web.get(f"/author/media/{media.name}")
    assert whole.status_code == 200 and whole.content == audio
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["content-length"] == str(len(audio))
    assert whole.headers["accept-ranges"] == "bytes"
    part = web.get(f"/author/media/{media.name}", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == audio[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(audio)}"
    tail = web.get(f"/author/media/{media.name}", headers={"Range": "bytes=-4"})
    assert tail.status_code == 206 and tail.content == audio[-4:]
    beyond = web.get(f"/author/media/{media.name}", headers={"Range": f"bytes={len(audio)}-"})
    assert beyond.status_code == 416
    assert web.get("/author/media/nothing.wav").status_code == 404
    # The editor of the saved case keeps the recording without a new upload.
    case_id, _ = _ids(engine, "V-1")
    page = web.get(f"/author/cases/{case_id}/edit").text
    assert media.name in page and "checked" in page


# --- import and export ----------------------------------------------------------------------


def _import(client: TestClient, name: str, data: bytes) -> Any:
    csrf = csrf_of(client.get("/author/cases/import").text)
    return client.post(
        "/author/cases/import", data={"csrf_token": csrf}, files={"file": (name, data)}
    )


def test_an_import_with_a_bad_row_imports_nothing_and_a_good_one_goes_to_review(
    web: TestClient, engine: Engine
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(write_cases_xlsx([spec("C-A"), spec("C-B")])))
    sheet = workbook["对话"]
    header = [cell.value for cell in sheet[1]]
    row = dict.fromkeys(header, None) | {"案例编号": "C-B", "编号": "t4", "上一句": "t9"}
    sheet.append([row[h] for h in header])  # no speaker, no text, a missing parent
    out = io.BytesIO()
    workbook.save(out)
    response = _import(web, "cases.xlsx", out.getvalue())
    assert response.status_code == 400
    assert "未导入任何内容" in response.text and "对话" in response.text
    assert count_cases(engine) == 0  # C-A was fine, and was not imported either
    response = _import(web, "cases.xlsx", write_cases_xlsx([spec("C-A"), spec("C-B")]))
    assert response.status_code == 200, response.text
    assert "提交审核" in response.text
    assert case_versions(engine, "C-A") == [(1, "in_review")]
    assert case_versions(engine, "C-B") == [(1, "in_review")]
    login(web, "rev1")
    queue = web.get("/author/reviews").text
    assert "C-A" in queue and "C-B" in queue


def test_export_round_trips_through_import(web: TestClient, engine: Engine) -> None:
    make_live(engine, spec("C-A"), spec("C-B", level=2))
    with session_scope(engine) as s:  # a draft of a third case: only in ?all=1
        save_version(s, spec("C-C"), actor="author", now=SystemClock().now())
    exported = web.get("/author/cases/export.json").json()
    assert [c["key"] for c in exported["cases"]] == ["C-A", "C-B"]
    every = web.get("/author/cases/export.json?all=1").json()
    assert [c["key"] for c in every["cases"]] == ["C-A", "C-B", "C-C"]
    xlsx = web.get("/author/cases/export.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    response = _import(web, "again.xlsx", xlsx.content)
    assert response.status_code == 200 and "2 个未改动" in response.text
    response = _import(web, "again.json", json.dumps(exported).encode())
    assert response.status_code == 200
    assert case_versions(engine, "C-A") == [(1, "live")]  # the same case: no new version
    assert web.get("/author/cases/export.csv").status_code == 404


# --- upkeep, ratings, statistics ----------------------------------------------------------


def test_upkeep_proposes_retiring_the_stalest_case_and_restore_brings_it_back(
    settings: Settings, staff: None, engine: Engine
) -> None:
    old, new = make_live(engine, spec("C-OLD"), spec("C-NEW"))
    with session_scope(engine) as s:
        item = s.get(CaseItem, old)
        assert item is not None
        item.constant_time = SystemClock().now() - timedelta(days=400)
        s.add(item)
    with open_client(replace(settings, case_capacity=1)) as client:
        login(client, "author")
        listing = client.get("/author/cases").text
        assert 'class="over"' in listing and "2 / 1" in listing
        page = client.get("/author/cases/upkeep").text
        assert page.count(">退库<") == 1
        assert f'action="/author/cases/{old}/retire"' in page
        csrf = csrf_of(page)
        response = client.post(
            f"/author/cases/{old}/retire",
            data={"csrf_token": csrf, "next": "/author/cases/upkeep"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        page = client.get("/author/cases/upkeep").text
        assert "均未超出上限" in page and f'action="/author/cases/{old}/restore"' in page
        assert "C-OLD" in client.get("/author/cases?status=retired").text
        assert "C-OLD" not in client.get("/author/cases?status=live").text
        client.post(f"/author/cases/{old}/restore", data={"csrf_token": csrf})
        assert "C-OLD" in client.get("/author/cases?status=live").text
    with Session(engine) as s:
        restored = s.get(CaseItem, old)
        assert restored is not None and not restored.retired
        assert restored.constant_time.replace(tzinfo=None) > (
            SystemClock().now() - timedelta(days=1)
        ).replace(tzinfo=None)
    assert new


def test_an_author_rates_a_case_once(web: TestClient, engine: Engine) -> None:
    (case_id,) = make_live(engine, spec("C-RATE"))
    csrf = csrf_of(web.get(f"/author/cases/{case_id}").text)
    first = web.post(
        f"/author/cases/{case_id}/rate", data={"csrf_token": csrf, "rating": "excellent"}
    )
    assert first.status_code == 200 and "您的评价已记录" in first.text
    second = web.post(f"/author/cases/{case_id}/rate", data={"csrf_token": csrf, "rating": "poor"})
    assert second.status_code == 409 and "只能评价一次" in second.text
    listing = web.get("/author/cases").text
    row = listing[listing.index("C-RATE") :]
    assert "1 / 0 / 0" in row[: row.index("</tr>")]


def test_item_statistics_come_from_submitted_case_tests(web: TestClient, engine: Engine) -> None:
    assert "还没有" in web.get("/author/cases/stats").text
    (case_id,) = make_live(engine, spec("C-STAT"))
    now = SystemClock().now()
    with session_scope(engine) as s:
        item = s.get(CaseItem, case_id)
        assert item is not None and item.live_version_id is not None
        for i in range(4):
            attempt = CaseAttempt(
                employee_id=1,
                level=1,
                status=CaseAttemptStatus.SUBMITTED,
                seed=i,
                versions=[item.live_version_id],
                started_at=now,
                deadline_at=now,
            )
            s.add(attempt)
            s.flush()
            s.add(
                CaseAnswer(
                    attempt_id=attempt.id or 0,
                    version_id=item.live_version_id,
                    question_key="q1",
                    given="true" if i % 2 else "false",
                    earned=1.0 if i % 2 else 0.0,
                    possible=1.0,
                    answered_at=now,
                )
            )
    page = web.get("/author/cases/stats").text
    assert "C-STAT" in page and "q1" in page
    assert "0.50" in page and "数据不足" in page  # 4 candidates: too few to flag


# --- who may ------------------------------------------------------------------------------


def test_a_candidate_may_open_no_author_page_of_the_case_bank(
    web: TestClient, engine: Engine
) -> None:
    (case_id,) = make_live(engine, spec("C-ROLE"))
    pages = [
        "/author/cases",
        "/author/cases/new",
        f"/author/cases/{case_id}",
        f"/author/cases/{case_id}/edit",
        f"/author/cases/{case_id}/preview?version=1",
        "/author/reviews",
        "/author/cases/import",
        "/author/cases/export.xlsx",
        "/author/cases/upkeep",
        "/author/cases/stats",
        "/author/media/any.wav",
    ]
    posts = [
        "/author/cases/new",
        f"/author/cases/{case_id}/edit",
        f"/author/cases/{case_id}/versions/1/submit",
        f"/author/cases/{case_id}/retire",
        f"/author/cases/{case_id}/restore",
        f"/author/cases/{case_id}/rate",
        "/author/reviews/1",
        "/author/cases/import",
    ]
    login(web, "10001")
    csrf = csrf_of(web.get("/login").text)
    for path in pages:
        assert web.get(path).status_code == 403, path
    for path in posts:
        response = web.post(path, data={"csrf_token": csrf})
        assert response.status_code == 403 and "无权" in response.text, path
    web.cookies.clear()
    assert web.get("/author/cases", follow_redirects=False).status_code == 303


def test_every_post_route_checks_the_csrf_token(web: TestClient, engine: Engine) -> None:
    (case_id,) = make_live(engine, spec("C-CSRF"))
    response = web.post(f"/author/cases/{case_id}/retire", data={"csrf_token": "forged"})
    assert response.status_code == 403
    with Session(engine) as s:
        item = s.get(CaseItem, case_id)
        assert item is not None and not item.retired


def test_every_page_also_renders_in_english(web: TestClient, engine: Engine) -> None:
    (case_id,) = make_live(engine, spec("C-EN"))
    web.get("/lang/en")
    for path in [
        "/author/cases",
        "/author/cases/new",
        f"/author/cases/{case_id}",
        f"/author/cases/{case_id}/edit",
        f"/author/cases/{case_id}/preview?version=1",
        "/author/reviews",
        "/author/cases/import",
        "/author/cases/upkeep",
        "/author/cases/stats",
    ]:
        response = web.get(path)
        assert response.status_code == 200, path
        assert 'lang="en"' in response.text, path
    preview = web.get(f"/author/cases/{case_id}/preview?version=1").text
    assert "Customer" in preview and "Correct answer:" in preview
