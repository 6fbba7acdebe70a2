"""vbgen serve: the page over a data folder, through its HTTP interface and in a real browser."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from docx import Document

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from generator.web.app import create_app
from generator.web.server import is_loopback

REPO = Path(__file__).resolve().parents[1]
PLAN = "so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml"
PLAN_DOC = "2024-22-KH-SGTVT-dan-van-chinh-quyen.docx"
LOCAL = "http://127.0.0.1"  # a loopback server answers only to its own names


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _opened(html: str) -> str:
    return re.search(r'name="opened" value="([^"]+)"', html).group(1)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text(docx: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)


def test_list_shows_every_document_with_number_draft_and_lint(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get("/").text
    assert PLAN_DOC in page
    assert "22/KH-SGTVT" in page and "03/4/2024" in page
    assert "DỰ THẢO" in page  # the sub-plans have no number yet
    assert page.count('href="/doc/') == 23
    assert "lỗi" not in re.sub(r"<[^>]+>", "", page.split("<table", 1)[1]) or "đạt" in page


def test_save_through_the_form_keeps_comments_and_order(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    before = (data / PLAN).read_text(encoding="utf-8")
    title = re.search(r'name="f:plan.title" id="f:plan.title">([^<]*)<', page).group(1)
    form = {"csrf": _csrf(page), "opened": _opened(page), "f:plan.title": title + " (sửa đổi)"}
    r = client.post(f"/doc/{PLAN_DOC}/save", data=form, follow_redirects=False)
    assert r.status_code == 303
    after = (data / PLAN).read_text(encoding="utf-8")
    assert "(sửa đổi)" in after
    # only the title line changed: comments and order are kept
    changed = [a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0].lstrip().startswith("title:")
    docx = client.get(f"/download/{PLAN_DOC}.docx").content
    assert "(sửa đổi)" in _text(docx)


def test_an_impossible_date_is_an_error_at_its_field_and_nothing_is_written(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    digest = _digest(data / PLAN)
    form = {"csrf": _csrf(page), "opened": _opened(page), "f:plan.date": "31/02/2025"}
    r = client.post(f"/doc/{PLAN_DOC}/save", data=form)
    assert r.status_code == 422
    field = r.text.split('id="field-plan.date"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "ngày không có thật: 31/02/2025" in field
    assert 'class="field-error"' in r.text.split('id="field-plan.date"', 1)[0].rsplit("<div", 1)[1]
    assert _digest(data / PLAN) == digest


def test_yaml_errors_are_shown_with_their_line_and_nothing_is_written(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    digest = _digest(data / PLAN)
    text = (data / PLAN).read_text(encoding="utf-8").replace("issuer: so-gtvt-tay-ninh", "issuer: so-gtvt-tay-ninhh")
    r = client.post(f"/doc/{PLAN_DOC}/save-yaml", data={"csrf": _csrf(page), "opened": _opened(page), "yaml": text})
    assert r.status_code == 422
    assert "so-gtvt-tay-ninhh" in r.text and "dòng" in r.text
    assert _digest(data / PLAN) == digest


def test_second_save_of_a_changed_file_is_refused(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    csrf, opened = _csrf(page), _opened(page)
    first = {"csrf": csrf, "opened": opened, "f:plan.closing": "Trên đây là Kế hoạch (bản của người thứ nhất)"}
    assert client.post(f"/doc/{PLAN_DOC}/save", data=first, follow_redirects=False).status_code == 303
    saved = (data / PLAN).read_text(encoding="utf-8")
    second = {"csrf": csrf, "opened": opened, "f:plan.closing": "bản của người thứ hai"}
    r = client.post(f"/doc/{PLAN_DOC}/save", data=second)
    assert r.status_code == 409 and "người khác sửa" in r.text
    assert (data / PLAN).read_text(encoding="utf-8") == saved


def test_forms_without_the_csrf_token_are_refused(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    client.get("/")
    digest = _digest(data / PLAN)
    r = client.post(f"/doc/{PLAN_DOC}/save", data={"csrf": "forged", "f:plan.title": "x"})
    assert r.status_code == 403
    assert _digest(data / PLAN) == digest


def test_no_path_outside_the_data_folder(data: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("plan: {title: bí mật}\n", encoding="utf-8")
    client = TestClient(create_app(data), base_url=LOCAL)
    for url in ("/doc/..%2Fsecret.yaml", "/doc/../secret.yaml", "/download/..%2F..%2Fsecret.yaml.docx",
                "/preview/../../etc/1.png", "/preview/" + "0" * 64 + "/1.png"):  # fmt: skip
        r = client.get(url)
        assert r.status_code in (404, 400), url
        assert "bí mật" not in r.text


def test_a_lan_server_asks_for_its_token(data: Path) -> None:
    client = TestClient(create_app(data, token="s3cret-token"))
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login = client.get("/login").text
    assert client.post("/login", data={"csrf": _csrf(login), "token": "wrong"}).status_code == 403
    r = client.post("/login", data={"csrf": _csrf(login), "token": "s3cret-token"}, follow_redirects=False)
    assert r.status_code == 303
    assert PLAN_DOC in client.get("/").text
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")


def test_family_zip_and_next_year(data: Path) -> None:
    import zipfile

    client = TestClient(create_app(data), base_url=LOCAL)
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/download/{PLAN_DOC}.zip").content))
    names = z.namelist()
    assert PLAN_DOC in names and len(names) == 9  # the plan, its two reports, its six sub-plans
    page = client.get(f"/doc/{PLAN_DOC}").text
    r = client.post(f"/doc/{PLAN_DOC}/next-year", data={"csrf": _csrf(page)}, follow_redirects=True)
    assert r.status_code == 200 and "2025" in r.text and "DỰ THẢO" in r.text
    assert (data / "so-gtvt-tay-ninh" / "2025" / "ke-hoach-dan-van.yaml").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(data: Path):
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    config = uvicorn.Config(create_app(data), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("Chromium is not installed (.ci/run installs chromium and chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1300,1000"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def test_in_a_browser(server: str, browser, data: Path) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shot(name: str) -> None:  # VBGEN_SCREENSHOTS=DIR keeps the pages for the README
        if os.environ.get("VBGEN_SCREENSHOTS"):
            browser.save_screenshot(str(Path(os.environ["VBGEN_SCREENSHOTS"]) / f"serve-{name}.png"))

    def wait(condition) -> None:
        # the old page's elements go stale while the next page loads: look again until it is there
        WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
            lambda d: condition(d)
        )

    browser.get(server + "/")
    shot("list")
    assert "Văn bản trong thư mục dữ liệu" in browser.page_source
    rows = browser.find_elements(By.CSS_SELECTOR, "#documents tr")
    assert len(rows) == 24  # the heading and 23 documents
    browser.find_element(By.PARTIAL_LINK_TEXT, "Kế hoạch: Thực hiện công tác dân vận chính quyền năm 2024").click()
    assert "số 22/KH-SGTVT" in browser.find_element(By.ID, "doc-title").text
    first_preview = [i.get_attribute("src") for i in browser.find_elements(By.CSS_SELECTOR, "#preview img")]
    assert len(first_preview) >= 5
    shot("document")

    title = browser.find_element(By.ID, "f:plan.title")
    title.clear()
    title.send_keys("Thực hiện công tác dân vận chính quyền năm {{ year }} (bản sửa)")
    browser.find_element(By.ID, "save").click()
    wait(lambda d: "Đã lưu." in d.find_element(By.ID, "message").text)
    second_preview = [i.get_attribute("src") for i in browser.find_elements(By.CSS_SELECTOR, "#preview img")]
    assert second_preview and second_preview[0] != first_preview[0]  # the page images follow the data

    digest = _digest(data / PLAN)
    date = browser.find_element(By.ID, "f:plan.date")
    date.clear()
    date.send_keys("31/02/2025")
    browser.find_element(By.ID, "save").click()
    wait(lambda d: "field-error" in d.find_element(By.ID, "field-plan.date").get_attribute("class"))
    field = browser.find_element(By.ID, "field-plan.date")
    browser.execute_script("arguments[0].scrollIntoView()", field)
    shot("error")
    assert "ngày không có thật: 31/02/2025" in field.text
    assert browser.find_element(By.ID, "f:plan.date").get_attribute("value") == "31/02/2025"  # kept as typed
    assert _digest(data / PLAN) == digest

    browser.get(server + f"/doc/{PLAN_DOC}")
    browser.find_element(By.ID, "dl-docx").click()
    target = browser.downloads / PLAN_DOC
    for _ in range(100):
        if target.exists():
            break
        time.sleep(0.1)
    assert "năm 2024 (bản sửa)" in _text(target.read_bytes())


def test_import_a_word_document_review_then_save(data: Path, tmp_path: Path) -> None:
    from generator.build import build

    # a Word file of another agency's plan: built from the bundled data, its data file then removed
    built = build([REPO / "data" / "so-tu-phap-tay-ninh"], tmp_path / "built")
    docx = next(p for p in built.written if "-KH-STP-" in p.name)
    (data / "so-tu-phap-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml").unlink()
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get("/import").text
    r = client.post("/import", data={"csrf": _csrf(page)}, files={"file": (docx.name, docx.read_bytes(), DOCX)})
    assert r.status_code == 200, r.text
    target = re.search(r'name="target" id="target" value="([^"]+)"', r.text).group(1)
    assert target.startswith("so-tu-phap-tay-ninh/2024/") and not (data / target).exists()
    import html as html_lib

    def area(name: str) -> str:
        return html_lib.unescape(re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', r.text).group(1))

    form = {"csrf": _csrf(r.text), "target": target, "document": area("document"), "bodies": area("bodies"),
            "references": area("references")}  # fmt: skip
    saved = client.post("/import/save", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert (data / target).is_file()
    name = saved.headers["location"].split("?")[0].removeprefix("/doc/")
    assert "-KH-STP-" in name
    rebuilt = _text(client.get(f"/download/{name}.docx").content)
    assert rebuilt == _text(docx.read_bytes())
    # the same again: the file is there now, so nothing is overwritten
    again = client.post("/import/save", data=form)
    assert again.status_code == 409 and "đã có tệp" in again.text


def test_import_refuses_what_is_not_a_docx(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get("/import").text
    r = client.post("/import", data={"csrf": _csrf(page)}, files={"file": ("x.docx", b"not a zip", DOCX)})
    assert r.status_code == 422 and "x.docx" in r.text
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before


def test_a_save_that_would_drop_the_document_is_refused(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    digest = _digest(data / PLAN)
    for text in ("", "{}", "bodies: {}\n"):
        r = client.post(f"/doc/{PLAN_DOC}/save-yaml", data={"csrf": _csrf(page), "opened": _opened(page), "yaml": text})
        assert r.status_code == 422 and "sẽ xóa văn bản" in r.text, text
    assert _digest(data / PLAN) == digest


def test_broken_yaml_is_shown_located_not_a_server_error(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    digest = _digest(data / PLAN)
    good = (data / PLAN).read_text(encoding="utf-8")
    for text in (good.replace("  issuer:", "\tissuer:", 1), good + "\nissuer: [so-gtvt", "xin chao", "- a"):
        r = client.post(f"/doc/{PLAN_DOC}/save-yaml", data={"csrf": _csrf(page), "opened": _opened(page), "yaml": text})
        assert r.status_code == 422, (text[-30:], r.status_code)
        assert "Chưa lưu" in r.text
    assert (
        "Tab"
        in client.post(
            f"/doc/{PLAN_DOC}/save-yaml",
            data={"csrf": _csrf(page), "opened": _opened(page), "yaml": good.replace("  issuer:", "\tissuer:", 1)},
        ).text
    )
    assert _digest(data / PLAN) == digest


def test_windows_line_endings_save_and_stay_lf(data: Path) -> None:
    path = data / PLAN
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # as Notepad saves it
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}").text
    text = path.read_text(encoding="utf-8").replace("năm {{ year }}", "năm {{ year }} (Notepad)", 1)
    crlf = text.replace("\n", "\r\n")  # a browser posts a textarea with CRLF
    r = client.post(f"/doc/{PLAN_DOC}/save-yaml", data={"csrf": _csrf(page), "opened": _opened(page), "yaml": crlf},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[-500:]
    assert b"\r\n" not in path.read_bytes() and "(Notepad)" in path.read_text(encoding="utf-8")


def test_loopback_server_answers_only_to_its_own_names(data: Path) -> None:
    client = TestClient(create_app(data), base_url="http://evil.example")
    assert client.get("/").status_code == 400
    assert TestClient(create_app(data), base_url="http://localhost").get("/").status_code == 200


def test_messages_are_not_taken_from_the_address(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get(f"/doc/{PLAN_DOC}?msg=Hãy gọi 0900").text
    assert "0900" not in page


def test_import_refuses_hidden_or_climbing_targets(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get("/import").text
    for target in (".an.yaml", "so-gtvt-tay-ninh/2024/../../.x.yaml", "../x.yaml", "/tmp/x.yaml"):
        form = {"csrf": _csrf(page), "target": target, "document": "plan: {}\n", "bodies": "", "references": ""}
        r = client.post("/import/save", data=form)
        assert r.status_code == 409 and "không hợp lệ" in r.text, target
    assert not list(data.rglob(".an.yaml")) and not list(data.rglob(".x.yaml"))


def test_a_derived_subplan_says_its_form_is_the_main_plans(data: Path) -> None:
    client = TestClient(create_app(data), base_url=LOCAL)
    page = client.get("/doc/2024-KH-SGTVT-tuyen-truyen-cai-cach-hanh-chinh.docx").text
    assert 'id="derived"' in page and "so-gtvt-tay-ninh/2024/tuyen-truyen-cchc.yaml" in page


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
