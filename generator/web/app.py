"""The web application: routes over a Workspace, with a token for the LAN and CSRF on every form."""

from __future__ import annotations

import hmac
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from generator.errors import VbgenError
from generator.i18n import _
from generator.web import form as forms
from generator.web import preview
from generator.web.workspace import MAX_UPLOAD_BYTES, ConflictError, Imported, Workspace, file_hash

HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 2 * 1024 * 1024  # a data file is a few KB; a form larger than this is not one
HASH = re.compile(r"^[0-9a-f]{64}$")

# Which document fields a lint rule is about, for the link from a finding to the form.
RULE_FIELDS = {
    "NUM": "number",
    "DATE": "date",
    "TITLE": "title",
    "SIG": "signer",
    "NN": "recipients",
    "CANCU": "basis",
    "END": "closing",
    "STRUCT": "sections",
}


def create_app(root: Path | str, *, token: str | None = None, cache: Path | None = None) -> Starlette:
    """The app over data folder `root`; with `token`, every page asks for it once per browser."""
    ws = Workspace(root, cache=cache or Path(tempfile.mkdtemp(prefix="vbgen-serve-")))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["_"] = _

    def render(request: Request, name: str, status: int = 200, **values: Any) -> Response:
        values.setdefault("csrf", _csrf(request))
        return templates.TemplateResponse(request, name, values, status_code=status)

    async def posted(request: Request) -> Any:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            raise _RefusedError(413, _("dữ liệu gửi lên quá lớn"))
        data = await request.form(max_part_size=MAX_FORM_BYTES)
        if not hmac.compare_digest(str(data.get("csrf", "")), _csrf(request)):
            raise _RefusedError(
                403, _("phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang này; hãy tải lại trang")
            )
        return data

    async def index(request: Request) -> Response:
        rows = []
        for e in ws.entries():
            errors, warnings = ws.lint_status(e.name)
            rows.append((e, errors, warnings))
        return render(request, "index.html", rows=rows, error=ws.error, root=ws.root)

    def _doc_page(request: Request, name: str, *, text: str | None = None, opened: str | None = None,
                  errors: list | None = None, form_errors: dict | None = None, message: str = "",
                  status: int = 200, tab: str = "form", failed: bool = False,
                  typed: dict | None = None) -> Response:  # fmt: skip
        entry = ws.entry(name)
        path = ws.resolve(entry.source)
        current = path.read_text(encoding="utf-8")
        text = current if text is None else text
        # the form shows the text posted when it reads as a data file, else the file as it is
        data = _parsed(text) or _parsed(current) or {}
        fields = forms.fields(data, _id_choices(ws))
        for f in fields:  # a value refused stays as the user typed it, next to its message
            if typed and f.path in (form_errors or {}) and f.name in typed:
                f.value = typed[f.name]
        errors = errors or []
        by_field: dict[str, list[str]] = dict(form_errors or {})
        lines: list[tuple[int, str]] = []
        for err in errors:
            place = err.place
            if place is not None and place.field:
                by_field.setdefault(place.field, []).append(err.message)
            if place is not None and place.line:
                lines.append((place.line, str(err)))
        unplaced = [str(e) for e in errors if not (e.place and e.place.field and e.place.field in _paths(fields))]
        findings = [] if errors else ws.lint(name)
        links = {f.rule: _field_for(f.rule, fields) for f in findings}
        images = []
        html_view = ""
        if not errors:
            if preview.available():
                data_docx = ws.docx(name)
                images = [f"/preview/{file_hash(data_docx)}/{i + 1}.png"
                          for i, _p in enumerate(preview.pages(data_docx, ws.cache, name))]  # fmt: skip
            else:
                html_view = preview.as_html(ws.docx(name))
        return render(
            request, "document.html", status=status, entry=entry, family=ws.family(name), fields=fields,
            text=text, opened=opened or file_hash(path.read_bytes()), by_field=by_field, lines=lines,
            unplaced=unplaced, findings=findings, links=links, images=images, html_view=html_view,
            message=message, tab=tab, code=status, failed=failed or status >= 400,
        )  # fmt: skip

    async def document(request: Request) -> Response:
        message, failed = request.session.pop("flash", ("", False))
        return _doc_page(request, request.path_params["name"], message=message, failed=failed)

    async def save_form(request: Request) -> Response:
        name = request.path_params["name"]
        data = await posted(request)
        entry = ws.entry(name)
        path = ws.resolve(entry.source)
        opened = str(data.get("opened", ""))
        current = path.read_text(encoding="utf-8")
        doc = forms.parse(current)
        fields = forms.fields(doc, _id_choices(ws))
        values = {k: (data.getlist(k) if k.startswith("f:") and _is_multi(fields, k) else v) for k, v in data.items()}
        problems = forms.apply(doc, fields, values, set(data.getlist("shown")))
        text = forms.dump(doc)
        if problems:
            return _doc_page(request, name, text=current, opened=opened, status=422,
                             form_errors={p.path: [p.message] for p in problems}, typed=values,
                             message=_("Chưa lưu: có giá trị không hợp lệ (xem các ô được đánh dấu)."))  # fmt: skip
        return _save(request, name, entry.source, text, opened)

    async def save_yaml(request: Request) -> Response:
        name = request.path_params["name"]
        data = await posted(request)
        entry = ws.entry(name)
        text = str(data.get("yaml", "")).replace("\r\n", "\n")  # a browser posts a textarea with CRLF
        return _save(request, name, entry.source, text, str(data.get("opened", "")), tab="yaml")

    def _save(request: Request, name: str, rel: str, text: str, opened: str, tab: str = "form") -> Response:
        try:
            errors = ws.save(rel, text, opened)
        except ConflictError as exc:
            return _doc_page(request, name, text=text, opened=opened, status=409, message=str(exc), tab="yaml")
        if errors:
            return _doc_page(request, name, text=text, opened=opened, errors=errors, status=422, tab=tab,
                             message=_("Chưa lưu: dữ liệu có lỗi, không có gì được ghi."))  # fmt: skip
        # the document's name follows its data (a new number renames it): find it again
        new = next((e.name for e in ws.entries() if e.source == rel), name)
        return _flash(request, f"/doc/{new}", _("Đã lưu."))

    async def download(request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        if fmt == "docx":
            return Response(ws.docx(name), media_type=DOCX, headers=_attachment(name))
        if fmt == "pdf":
            if not preview.available():
                return PlainTextResponse(_("Chưa cài LibreOffice: apt-get install libreoffice-writer-nogui"), 503)
            path = preview.pdf(ws.docx(name), ws.cache, name)
            return FileResponse(path, media_type="application/pdf", headers=_attachment(path.name))
        if fmt == "zip":
            zip_name = Path(name).stem + "-bo-van-ban.zip"
            return Response(ws.family_zip(name), media_type="application/zip", headers=_attachment(zip_name))
        return PlainTextResponse("", 404)

    async def page_image(request: Request) -> Response:
        digest, number = request.path_params["hash"], request.path_params["n"]
        if not HASH.match(digest):
            return PlainTextResponse("", 404)
        path = ws.cache / "preview" / digest / f"page-{number}.png"
        if not path.is_file():
            return PlainTextResponse("", 404)
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "max-age=86400, immutable"})

    async def next_year(request: Request) -> Response:
        name = request.path_params["name"]
        await posted(request)
        try:
            target = ws.next_year(name)
        except VbgenError as exc:
            return _flash(request, f"/doc/{name}", str(exc), failed=True)
        made = [e for e in ws.entries() if (ws.root / e.source).resolve().is_relative_to(target.resolve())]
        year = ws.entry(name).year + 1
        if made:
            return _flash(request, f"/doc/{made[0].name}", _("Đã tạo dự thảo năm {year}.", year=year))
        return RedirectResponse("/", status_code=303)

    async def import_page(request: Request) -> Response:
        if request.method == "GET":
            return render(request, "import.html", imported=None, message="", errors=[])
        if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES + 65536:
            raise _RefusedError(413, _("tệp tải lên quá lớn (tối đa {n} MB)", n=MAX_UPLOAD_BYTES // 2**20))
        form = await request.form(max_files=1, max_fields=10)
        if not hmac.compare_digest(str(form.get("csrf", "")), _csrf(request)):
            raise _RefusedError(
                403, _("phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang này; hãy tải lại trang")
            )
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return render(request, "import.html", status=400, imported=None, errors=[],
                          message=_("Chọn một tệp Word (.docx) để nhập."))  # fmt: skip
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            imported = ws.import_docx(data, upload.filename or "")
        except VbgenError as exc:
            return render(request, "import.html", status=422, imported=None, errors=[], message=str(exc))
        return render(request, "import.html", imported=imported, errors=[], message="")

    async def import_save(request: Request) -> Response:
        data = await posted(request)
        imported = Imported(
            target=str(data.get("target", "")),
            document=str(data.get("document", "")).replace("\r\n", "\n"),
            bodies=str(data.get("bodies", "")).replace("\r\n", "\n"),
            references=str(data.get("references", "")).replace("\r\n", "\n"),
        )
        try:
            errors = ws.save_import(imported)
        except VbgenError as exc:
            return render(request, "import.html", status=409, imported=imported, errors=[], message=str(exc))
        if errors:
            return render(request, "import.html", status=422, imported=imported, errors=[str(e) for e in errors],
                          message=_("Chưa lưu: dữ liệu có lỗi, không có gì được ghi."))  # fmt: skip
        made = [e for e in ws.entries() if e.source == imported.target]
        return _flash(request, f"/doc/{made[0].name}" if made else "/", _("Đã lưu."))

    async def login(request: Request) -> Response:
        if request.method == "POST":
            data = await posted(request)
            if token and hmac.compare_digest(str(data.get("token", "")).strip(), token):
                request.session["auth"] = True
                return RedirectResponse("/", status_code=303)
            return render(request, "login.html", status=403, message=_("Mã truy cập không đúng."))
        return render(request, "login.html", message="")

    routes = [
        Route("/", index),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/doc/{name}", document),
        Route("/doc/{name}/save", save_form, methods=["POST"]),
        Route("/doc/{name}/save-yaml", save_yaml, methods=["POST"]),
        Route("/doc/{name}/next-year", next_year, methods=["POST"]),
        Route("/import", import_page, methods=["GET", "POST"]),
        Route("/import/save", import_save, methods=["POST"]),
        Route("/download/{name}.{fmt}", download),
        Route("/preview/{hash}/{n:int}.png", page_image),
    ]
    # The session runs first (outermost), so the token gate behind it can read it.
    middleware = [Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), same_site="strict")]
    if token:
        middleware.append(Middleware(_TokenGate, token=token))
    else:  # loopback: answer only to this machine's names (a page elsewhere cannot rebind its DNS to us)
        middleware.insert(
            0, Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]", "::1"])
        )
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={
        VbgenError: lambda request, exc: render(request, "error.html", status=404, message=str(exc)),
        _RefusedError: lambda request, exc: render(request, "error.html", status=exc.status, message=exc.message),
    })  # fmt: skip
    app.state.workspace = ws
    return app


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _TokenGate:
    """Asks for the access token once per browser session (only when the server faces a network)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] != "/login" and not scope.get("session", {}).get("auth"):
            await RedirectResponse("/login", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _parsed(text: str) -> Any:
    """A data file's YAML as a mapping, or None when it does not read as one."""
    try:
        data = forms.parse(text)
    except Exception:  # ruamel raises many kinds on broken YAML; the save reports it located
        return None
    return data if isinstance(data, dict) else None


def _flash(request: Request, where: str, message: str, *, failed: bool = False) -> Response:
    """Redirect with a message shown once on the next page (kept in the session, not the URL)."""
    request.session["flash"] = (message, failed)
    return RedirectResponse(where, status_code=303)


def _csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _id_choices(ws: Workspace) -> list[tuple[str, str]]:
    """Every body, organisation and unit a Nơi nhận list can name, with its name."""
    from generator.data.load import load  # the directory as the build reads it

    try:
        corpus = load([ws.root / "directory.yaml"])
    except VbgenError:
        return []
    out = [("all-units", _("Các đơn vị thuộc cơ quan"))]
    for body_id, body in corpus.bodies.items():
        out.append((body_id, body.name))
        out.extend((k, f"{v.name} ({body.short or body.name})") for k, v in body.organisations.items())
        out.extend((k, f"{v.name} ({body.short or body.name})") for k, v in body.units.items())
    seen: set[str] = set()
    return [c for c in out if not (c[0] in seen or seen.add(c[0]))]


def _paths(fields: list[forms.Field]) -> set[str]:
    return {f.path for f in fields}


def _is_multi(fields: list[forms.Field], name: str) -> bool:
    return any(f.name == name and f.kind == "multi" for f in fields)


def _field_for(rule: str, fields: list[forms.Field]) -> str | None:
    key = RULE_FIELDS.get(rule.split("-")[0])
    if key is None:
        return None
    return next((f.path for f in fields if f.path.split(".")[1:2] == [key]), None)
