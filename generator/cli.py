"""The `vbgen` command line: a thin layer over generator.build and friends."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from generator.i18n import N_

# Heavy modules (docxtpl, pydantic, lxml) are imported inside the commands, so `vbgen --help`
# answers at once. Help texts are written in Vietnamese with N_() and shown in the user's
# language (--lang en: the English of generator/locale/en/LC_MESSAGES/vbgen.po).

EPILOG = N_("""\b
Ví dụ:
  vbgen init
  vbgen build data --out out
  vbgen context data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml
  vbgen lint out/*.docx
  vbgen deadlines data --ics han.ics
  vbgen draft data --year 2025 --out du-thao-2025
  vbgen import ke-hoach-2024.docx --out nhap --data data
  vbgen schema > vbgen.schema.json
""")


MAX_ERRORS_SHOWN = 20


def _echo_json(value: object) -> None:
    """What --json and --format json print: UTF-8 as written, indented."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _fail(exc: Exception) -> None:
    lines = str(exc).splitlines()
    from generator.i18n import _

    prefix = _("lỗi")
    for line in lines[:MAX_ERRORS_SHOWN]:
        click.echo(f"{prefix}: {line}", err=True)
    if len(lines) > MAX_ERRORS_SHOWN:
        click.echo(
            _("… và {more} lỗi nữa ({total} lỗi).", more=len(lines) - MAX_ERRORS_SHOWN, total=len(lines)), err=True
        )
    raise SystemExit(getattr(exc, "exit_code", 2))


class _Translated:
    """A command whose help texts (written in Vietnamese, marked N_) are shown in the user's
    language, as are click's own (written in English: "Show this message and exit.")."""

    help: str | None
    epilog: str | None
    short_help: str | None

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from generator.i18n import help_text

        params = [p for p in self.get_params(ctx) if getattr(p, "help", None)]  # type: ignore[attr-defined]
        saved = (self.help, self.epilog, [p.help for p in params])  # type: ignore[attr-defined]
        self.help = help_text(self.help) if self.help else self.help
        self.epilog = help_text(self.epilog) if self.epilog else self.epilog
        for p in params:
            p.help = help_text(p.help)  # type: ignore[attr-defined]
        try:
            super().format_help(ctx, formatter)  # type: ignore[misc]
        finally:
            self.help, self.epilog = saved[0], saved[1]
            for p, text in zip(params, saved[2], strict=True):
                p.help = text  # type: ignore[attr-defined]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        from generator.i18n import help_text

        return [help_text(piece) for piece in super().collect_usage_pieces(ctx)]  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        from generator.i18n import help_text

        saved = self.help, self.short_help
        self.help = help_text(self.help) if self.help else self.help
        self.short_help = help_text(self.short_help) if self.short_help else self.short_help
        try:
            return super().get_short_help_str(limit)  # type: ignore[misc]
        finally:
            self.help, self.short_help = saved


class _Command(_Translated, click.Command):
    """Every vbgen command: help in the user's language."""


def _click_in_the_users_language() -> None:
    """click's own messages (Usage:, Error: Missing argument …) through vbgen's catalogues: click
    calls gettext through the name `_` (and `ngettext`) in each of its modules."""
    import importlib

    from generator.i18n import click_gettext, click_ngettext

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


def _language_in(args: list[str]) -> str | None:
    """The value of --lang among the arguments, read before click parses them, so that --help
    and click's own errors are already in that language."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class _Group(_Translated, click.Group):
    """The command group; an unexpected exception becomes one line, not a traceback."""

    command_class = _Command

    def main(self, args: object = None, *posargs: object, **kwargs: object) -> object:  # type: ignore[override]
        from generator.i18n import set_language

        argv = list(args) if isinstance(args, (list, tuple)) else sys.argv[1:]
        set_language(_language_in(argv))  # each run starts from the user's settings
        _click_in_the_users_language()
        return super().main(args, *posargs, **kwargs)  # type: ignore[arg-type]

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader went away (`vbgen lint … | head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        except Exception as exc:
            if os.environ.get("VBGEN_DEBUG"):
                raise
            from generator.i18n import _

            click.echo(
                _("lỗi nội bộ của vbgen: {kind}: {what}", kind=type(exc).__name__, what=exc)
                + "\n"
                + _("Xin báo lỗi kèm lệnh đã chạy; đặt VBGEN_DEBUG=1 để xem chi tiết."),
                err=True,
            )
            raise SystemExit(1) from None


@click.group(
    cls=_Group,
    epilog=EPILOG,
    help=N_("""vbgen: soạn Kế hoạch, kế hoạch con, Báo cáo theo Nghị định 30/2020/NĐ-CP từ dữ liệu YAML.

    Viết văn bản hành chính (.docx) đúng thể thức từ dữ liệu; bắt đầu với `vbgen init`, rồi
    `vbgen build`. Hướng dẫn: docs/huong-dan.md."""),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="vbgen", prog_name="vbgen")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help=N_("Ngôn ngữ của thông báo: vi, en (mặc định: VBGEN_LANG, hoặc locale, hoặc vi)."),
)
def main(lang: str | None) -> None:
    from generator.i18n import set_language

    set_language(lang)


@main.command(
    help=N_("""Dựng mọi văn bản mà dữ liệu ở PATHS mô tả; in đường dẫn mỗi tệp đã ghi.

    Tệp vbgen đã ghi mà chưa ai sửa được ghi lại không cần --force; tệp đã sửa tay được giữ nguyên.

    Mã thoát: 0 xong · 1 có văn bản lỗi hoặc tệp được giữ nguyên (các văn bản khác vẫn được ghi) · 2 dữ liệu sai."""),
    epilog=N_("""\b
Ví dụ:
  vbgen build data --out out
  vbgen build data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml --out out --force
  vbgen build data --out out --jobs 2 --strict --quiet
"""),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Thư mục ghi văn bản.")
)
@click.option("--force", is_flag=True, help=N_("Ghi đè tệp đã có với nội dung khác."))
@click.option("--pdf", is_flag=True, help=N_("Chuyển thêm mọi văn bản sang PDF (cần LibreOffice)."))
@click.option("--strict", is_flag=True, help=N_("Coi cảnh báo về nội dung thiếu (mục chưa có kết quả) là lỗi."))
@click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64), help=N_("Số tiến trình dựng song song.")
)
@click.option(
    "--quiet", "-q", is_flag=True, help=N_("Không in tên từng tệp và các cảnh báo; chỉ in lỗi và dòng tóm tắt.")
)
@click.option(
    "--templates",
    "template_folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help=N_("Thư mục mẫu thay cho mẫu kèm theo (kehoach.docx, baocao.docx)."),
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    force: bool,
    pdf: bool,
    strict: bool,
    jobs: int,
    template_folder: Path | None,
    quiet: bool = False,
) -> None:
    from generator.build import build as run_build
    from generator.errors import VbgenError
    from generator.i18n import _

    bar = None

    def start(total: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and total > 1:  # a progress bar only for a person at a terminal
            bar = click.progressbar(length=total, label=_("Đang dựng"), file=sys.stderr)
            bar.__enter__()

    def progress() -> None:
        if bar is not None:
            bar.update(1)

    def report(outcome) -> None:
        if outcome.status == "written" and not quiet:  # an unchanged file is counted, not listed as written
            click.echo(str(outcome.path))

    try:
        result = run_build(
            paths,
            out,
            force=force,
            jobs=jobs,
            strict=strict,
            template_folder=template_folder,
            on_start=start if sys.stderr.isatty() else None,  # no progress to gather when nobody sees it
            on_progress=progress if sys.stderr.isatty() else None,
            on_outcome=report,
            pdf=pdf,
        )
    except VbgenError as exc:
        _fail(exc)
        return
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    prefix = _("cảnh báo")
    for warning in [] if quiet else result.warnings:
        click.echo(f"{prefix}: {warning}", err=True)
    if quiet and result.warnings:
        click.echo(_("{n} cảnh báo (bỏ --quiet để xem).", n=len(result.warnings)), err=True)
    from generator.errors import Place

    by_file: dict[str, list[str]] = {}
    for o in result.failed:  # a sub-plan's source may be the shipped catalogue: named as such
        by_file.setdefault(str(Place(o.source)), []).append(f"{o.name}: {o.error}")
    for file, errors in by_file.items():
        click.echo(_("lỗi ở {file} ({count} văn bản):", file=file, count=len(errors)), err=True)
        for line in errors:
            click.echo(f"  {line}", err=True)
    for o in result.kept:
        click.echo(_("giữ nguyên: {error}", error=o.error), err=True)
    counts = {"written": result.count("written"), "unchanged": result.count("unchanged"), "failed": len(result.failed)}
    if result.kept:
        summary = _(
            "{written} văn bản đã ghi, {unchanged} không đổi, {kept} giữ nguyên (đã sửa tay), {failed} lỗi.",
            kept=len(result.kept),
            **counts,
        )
    else:
        summary = _("{written} văn bản đã ghi, {unchanged} không đổi, {failed} lỗi.", **counts)
    click.echo(summary, err=True)
    if pdf:
        if result.pdf_error is not None:
            _fail(result.pdf_error)  # the .docx files are written; exit 2 says the PDFs are not
        for path in [] if quiet else result.pdfs:
            click.echo(str(path))
        for path in result.pdfs_kept:
            click.echo(_("giữ nguyên: {error}", error=f"{path}: " + _("tệp đã có với nội dung khác; không ghi đè")),
                       err=True)  # fmt: skip
        click.echo(_("{count} tệp PDF đã ghi.", count=len(result.pdfs)), err=True)
    raise SystemExit(result.exit_code)


@main.command(
    help=N_("In ngữ cảnh (JSON) mà mẫu nhận được cho mỗi văn bản trong FILE."),
    epilog=N_("""\b
Ví dụ:
  vbgen context data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml
"""),
)
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def context(file: Path) -> None:
    from generator.build import derive, load_all
    from generator.errors import VbgenError
    from generator.family.context import to_json

    try:
        jobs = derive(load_all([file]))
    except VbgenError as exc:
        _fail(exc)
        return
    out = [{"file": str(j.loaded.source.path), "output": j.name, "template": j.template,
            "context": to_json(j.context.values)} for j in jobs]  # fmt: skip
    _echo_json(out)


@main.command(
    help=N_("""Dựng thử mọi mẫu với mọi tệp dữ liệu (trong bộ nhớ) và báo lỗi mẫu.

    Báo: biến chưa định nghĩa, thẻ bị Word tách thành nhiều đoạn, ngoặc kép cong trong thẻ, lỗi
    cú pháp, thẻ còn sót trong văn bản, tệp .docx không hợp lệ, biến mẫu dùng mà ngữ cảnh không
    có. PATHS mặc định là ./data. --facts: liệt kê các dữ kiện chưa được xác minh.
    Mã thoát: 0 không có vấn đề · 1 có vấn đề · 2 dùng sai lệnh."""),
    epilog=N_("""\b
Ví dụ:
  vbgen check
  vbgen check data --templates templates
  vbgen check data --facts
"""),
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--templates",
    "template_folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help=N_("Thư mục mẫu cần kiểm tra (mặc định: mẫu kèm theo)."),
)
@click.option(
    "--facts",
    "list_facts",
    is_flag=True,
    help=N_("Liệt kê một lần các dữ kiện (căn cứ, cơ quan) đánh dấu verified: false, rồi thoát."),
)
def check(paths: tuple[Path, ...], template_folder: Path | None, list_facts: bool = False) -> None:
    from generator.check import check as run_check
    from generator.i18n import _

    if not paths and not Path("data").is_dir():
        raise click.UsageError(_("không có thư mục ./data; chỉ ra PATHS"))
    if list_facts:
        _print_facts(list(paths) or [Path("data")])
        return
    problems = run_check(list(paths) or [Path("data")], template_folder)
    for problem in problems:
        click.echo(str(problem))
    click.echo(_("{count} vấn đề.", count=len(problems)), err=True)
    raise SystemExit(1 if problems else 0)


@main.command(
    help=N_("""Kiểm tra thể thức .docx theo Nghị định 30/2020/NĐ-CP (tệp do vbgen tạo hay gõ tay).

    Mỗi phát hiện: `tệp: MÃ-QUY-TẮC mức thông báo (vị trí)`. Quy tắc không đánh giá được trên một
    tệp được báo `not-evaluated`, không bao giờ coi là đạt. Với --fix, các sửa chữa máy móc (không
    đổi chữ nào) được ghi vào -o TỆP (hoặc ghi đè tệp gốc với --in-place), in từng thay đổi, rồi
    kiểm tra lại tệp đã sửa.
    Mã thoát: 0 không có lỗi · 1 có lỗi · 2 dùng sai lệnh."""),
    epilog=N_("""\b
Ví dụ:
  vbgen lint out/*.docx
  vbgen lint --jobs 2 van-ban/*.docx
  vbgen lint --format json van-ban-go-tay.docx
  vbgen lint --fix van-ban-go-tay.docx -o van-ban-da-sua.docx
  vbgen lint --rules
"""),
)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("Dạng kết quả: text (để đọc) hay json (cho công cụ)."),
)
@click.option("--rules", "list_rules", is_flag=True, help=N_("In danh sách quy tắc (id, mức, nguồn) rồi thoát."))
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help=N_("Số tiến trình song song.")
)
@click.option(
    "--fix", "do_fix", is_flag=True, help=N_("Sửa các lỗi sửa được mà không đổi chữ nào (cần -o hoặc --in-place).")
)
@click.option(
    "-o", "--output", "--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("Tệp .docx đã sửa (với --fix).")
)
@click.option("--in-place", is_flag=True, help=N_("Với --fix: ghi đè lên chính tệp gốc."))
def lint(
    files: tuple[Path, ...],
    fmt: str,
    list_rules: bool,
    jobs: int,
    do_fix: bool,
    output: Path | None,
    in_place: bool,
) -> None:
    from generator.i18n import _
    from generator.lint import RULES, lint_file
    from generator.lint.parallel import lint_files

    if list_rules:
        if fmt == "json":
            rows = [{"id": r.id, "severity": r.severity, "source": r.source, "summary": _(r.summary)} for r in RULES]
            _echo_json(rows)
        else:
            for r in RULES:
                click.echo(f"{r.id:<10} {r.severity:<8} {_(r.summary)}  [{r.source}]")
        return
    if not files:
        raise click.UsageError(_("cần ít nhất một tệp .docx (hoặc --rules)"))
    if do_fix:
        files = _fix_files(files, output, in_place)
    elif output is not None or in_place:
        raise click.UsageError(_("-o và --in-place chỉ dùng với --fix"))
    results = lint_files(list(files), jobs) if jobs > 1 else [(path, lint_file(path)) for path in files]
    failed = any(f.severity == "error" for _, findings in results for f in findings)
    if fmt == "json":
        out = [{"file": str(p), "findings": [f.to_json() for f in fs]} for p, fs in results]
        _echo_json(out)
    else:
        for path, findings in results:
            for f in findings:
                where = f" ({f.where})" if f.where else ""
                click.echo(f"{path}: {f.rule} {f.severity} {f.message}{where}")
            counts = {k: sum(1 for f in findings if f.severity == k) for k in ("error", "warning", "not-evaluated")}
            click.echo(
                f"{path}: "
                + _(
                    "{errors} lỗi, {warnings} cảnh báo, {skipped} quy tắc không đánh giá được",
                    errors=counts["error"],
                    warnings=counts["warning"],
                    skipped=counts["not-evaluated"],
                ),
                err=True,
            )
    raise SystemExit(1 if failed else 0)


def _fix_files(files: tuple[Path, ...], output: Path | None, in_place: bool) -> tuple[Path, ...]:
    """Run `vbgen lint --fix`; returns the fixed files (to be linted)."""
    from generator.errors import VbgenError
    from generator.i18n import _
    from generator.lint.fix import fix_file

    if in_place == (output is not None):
        raise click.UsageError(_("--fix cần đúng một trong hai: -o TỆP_MỚI hoặc --in-place"))
    if output is not None and len(files) != 1:
        raise click.UsageError(_("-o chỉ dùng với một tệp; nhiều tệp thì dùng --in-place"))
    fixed = []
    for path in files:
        target = path if in_place else output
        try:
            changes = fix_file(path, target, in_place=in_place)
        except VbgenError as exc:
            _fail(exc)
        for change in changes:
            click.echo(f"{target}: {change.rule} " + _("đã sửa") + f": {change.message}")
        click.echo(f"{target}: " + _("{n} thay đổi", n=len(changes)), err=True)
        fixed.append(target)
    return tuple(fixed)


@main.command(
    help=N_("Liệt kê mọi thời hạn mà các kế hoạch đặt ra, theo ngày, với số ngày còn lại."),
    epilog=N_("""\b
Ví dụ:
  vbgen deadlines data
  vbgen deadlines data --ics han-bao-cao.ics
  vbgen deadlines data --json --today 2024-10-01
"""),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--ics", "ics", type=click.Path(dir_okay=False, path_type=Path), help=N_("Ghi thêm tệp iCalendar (.ics).")
)
@click.option("--force", is_flag=True, help=N_("Ghi đè tệp .ics đã có với nội dung khác."))
@click.option("--json", "as_json", is_flag=True, help=N_("In dạng JSON."))
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=N_("Ngày tính số ngày còn lại (mặc định: hôm nay).")
)
def deadlines(paths: tuple[Path, ...], ics: Path | None, force: bool, as_json: bool, today: object) -> None:
    import datetime as dt

    from generator.errors import VbgenError
    from generator.family.deadlines import collect, write_ics
    from generator.i18n import _
    from generator.nd30.dates import short_date

    day = today.date() if isinstance(today, dt.datetime) else dt.date.today()
    try:
        entries = collect(paths)
        if ics is not None:
            write_ics(entries, ics, force=force)  # a link there is not followed
    except VbgenError as exc:
        _fail(exc)
        return
    if as_json:
        _echo_json([e.to_json(day) for e in entries])
        return
    for e in entries:
        left = e.days_left(day)
        when = _("còn {n} ngày", n=left) if left >= 0 else _("quá hạn {n} ngày", n=-left)
        to = f" → {e.to}" + (f" (qua {e.via})" if e.via else "") if e.to else ""
        click.echo(f"{short_date(e.date)}  ({when})  {e.what}{to}  [{e.plan}, {e.issuer}]")
    if ics is not None:
        click.echo(_("đã ghi {path}", path=ics), err=True)


@main.command(
    help=N_("""Viết dữ liệu năm YEAR từ dữ liệu năm nay (SRC: tệp, thư mục, hay tệp Word .docx), dưới dạng dự thảo.

    Năm kế hoạch thành YEAR, số và ngày để trống (văn bản in DỰ THẢO), các hạn lùi theo số năm,
    cơ quan đã có cơ quan kế thừa được thay bằng cơ quan đó, và các văn bản dẫn chiếu gắn với năm
    cũ được ghi ở đầu tệp mới để xem lại."""),
    epilog=N_("""\b
Ví dụ:
  vbgen draft data --year 2025 --out du-thao-2025
  vbgen build du-thao-2025 --out out-2025
  vbgen draft data --year 2025 --out du-thao-2025 --json
  vbgen draft ke-hoach-2024.docx --data data --year 2025 --out du-thao-2025
"""),
)
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--year", required=True, type=click.IntRange(1990, 2200), help=N_("Năm của dự thảo."))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Thư mục ghi."))
@click.option("--force", is_flag=True, help=N_("Ghi đè tệp đã có với nội dung khác."))
@click.option("--json", "as_json", is_flag=True, help=N_("In bản tóm tắt dạng JSON."))
@click.option("--data", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help=N_("Với SRC là tệp .docx: thư mục dữ liệu để đối chiếu cơ quan, văn bản."))  # fmt: skip
def draft(src: Path, year: int, out: Path, force: bool, as_json: bool, data_root: Path | None) -> None:
    from generator.errors import VbgenError
    from generator.family.draft import REVIEW
    from generator.family.draft import draft as run_draft
    from generator.i18n import _

    try:
        if src.suffix.lower() == ".docx":  # a Word file: imported into a temporary folder first
            import tempfile

            from generator.importer.api import import_documents

            with tempfile.TemporaryDirectory() as tmp:
                import_documents([src], Path(tmp), data_root, recognise=False)  # drafted as it is
                report = run_draft(Path(tmp), year, out, force=force)
            for f in report.files:  # name the Word file, not the temporary folder
                f.source = f.source.replace(tmp, f"{src}:")
        else:
            report = run_draft(src, year, out, force=force)
    except VbgenError as exc:
        _fail(exc)
        return
    if as_json:
        _echo_json(report.to_json())
        return
    for f in report.files:
        click.echo(f"{f.source} → {f.output or _('(bỏ qua)')}")
        for change in f.changes:
            click.echo(f"    {change}")
        for item in f.review:
            click.echo(f"    {_(REVIEW)}: {item}")
    reviews = sum(len(f.review) for f in report.files)
    click.echo(
        _("{n} điểm cần xem lại; dựng bản dự thảo: vbgen build {out} --out <thư mục>", n=reviews, out=out), err=True
    )


@main.command(
    "import",
    help=N_("""Đọc văn bản Word (.docx) thành dữ liệu vbgen: cơ quan, văn bản dẫn chiếu, văn bản.

    Mỗi tệp cho một tệp dữ liệu (YAML, danh sách cần xem lại ở đầu tệp); cơ quan và văn bản dẫn chiếu
    ghi vào OUT/directory.yaml và OUT/references.yaml. FILE là một tệp .docx hoặc một thư mục (mọi
    tệp .docx trong đó). Một tệp không đọc được thì được báo lỗi kèm tên tệp, không ghi gì của tệp
    đó, các tệp khác vẫn được nhập.
    Mã thoát: 0 đã nhập mọi tệp · 1 có tệp không nhập được · 2 dùng sai lệnh, thư mục --data lỗi
    hoặc không ghi được OUT."""),
    epilog=N_("""\b
Ví dụ:
  vbgen import ke-hoach-2024.docx --out nhap --data data
  vbgen import van-ban-2024/ --out nhap --data data
  vbgen build nhap --out out
"""),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Thư mục ghi."))
@click.option("--data", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help=N_("Thư mục dữ liệu có sẵn (directory.yaml) để đối chiếu cơ quan, văn bản."))  # fmt: skip
@click.option("--force", is_flag=True, help=N_("Ghi đè tệp đã có với nội dung khác."))
@click.option("--json", "as_json", is_flag=True, help=N_("In bản tóm tắt dạng JSON."))
def import_(files: tuple[Path, ...], out: Path, data_root: Path | None, force: bool, as_json: bool) -> None:
    from generator.errors import VbgenError
    from generator.family.draft import REVIEW
    from generator.i18n import _
    from generator.importer.api import import_documents

    try:
        report = import_documents(_docx_files(files), out, data_root, force=force, keep_going=True)
    except VbgenError as exc:
        _fail(exc)
        return
    if as_json:
        _echo_json(report.to_json())
        raise SystemExit(report.exit_code)
    for path in report.written:
        click.echo(str(path))
    for doc in report.documents:
        for item in doc.review:
            click.echo(f"{doc.source}: {_(REVIEW)}: {item}", err=True)
    for error in report.failed:
        click.echo(f"{_('lỗi')}: {error}", err=True)
    click.echo(
        _("{imported} văn bản đã nhập, {failed} tệp không nhập được.", imported=len(report.documents),
          failed=len(report.failed)),
        err=True,
    )  # fmt: skip
    raise SystemExit(report.exit_code)


def _docx_files(paths: tuple[Path, ...]) -> list[Path]:
    """The files to import: each file as given, each folder as the .docx files under it (not
    Word's "~$…" lock files, nor hidden folders)."""
    from generator.i18n import _

    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)  # a missing or unreadable file is reported by the import, with the others
            continue
        found = sorted(
            p for p in path.rglob("*")
            if p.suffix.lower() == ".docx" and not p.name.startswith("~$") and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )  # fmt: skip
        if not found:
            raise click.UsageError(_("thư mục '{path}' không có tệp .docx nào", path=path))
        files.extend(found)
    return files


@main.command(
    help=N_("In JSON Schema của các tệp dữ liệu (bodies, references, kinds, criteria, plan, subplan, results).")
)
def schema() -> None:
    from generator.data.schema import data_schema

    _echo_json(data_schema())


# --- vbgen init ------------------------------------------------------------------------------------


@main.command(
    help=N_("""Bắt đầu dữ liệu cho một cơ quan: danh mục cơ quan và một Kế hoạch dự thảo dựng được ngay.

    Hỏi lần lượt (hoặc nhận từ các tùy chọn, cho tập lệnh): tỉnh, cơ quan ban hành (chọn trong
    danh sách cơ quan của tỉnh sau sắp xếp năm 2025, hoặc gõ tên), chữ viết tắt, các đơn vị,
    chức danh cấp trưởng và cấp phó, người ký, năm kế hoạch và các kế hoạch con. Viết
    directory.yaml (cơ quan, các cơ quan của tỉnh và 'authorities') và <cơ quan>/<năm>/ke-hoach.yaml;
    chỗ cần viết lại có dấu "ĐIỀN". Với --yes, điều không cho được lấy theo mặc định."""),
    epilog=N_("""\b
Ví dụ:
  vbgen init
  vbgen init --province "Tây Ninh" --agency so-noi-vu --year 2026 --signer KT. --subplans tuyen-truyen-cchc --yes
  vbgen init --province "Tây Ninh" --agency ubnd-xa --name "Phường Long An" --signer TM. --yes
  vbgen build data --out out
"""),
)
@click.option(
    "--out",
    "out",
    default="data",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("Thư mục dữ liệu để viết vào."),
)
@click.option("--province", help=N_("Tên tỉnh, thành phố: Tây Ninh."))
@click.option(
    "--agency", help=N_("Cơ quan ban hành: mã trong danh sách (so-noi-vu, thanh-tra-tinh, ubnd-xa …) hoặc 'khac'.")
)
@click.option("--name", help=N_("Tên cơ quan khi gõ tay (--agency khac), hoặc tên xã, phường (--agency ubnd-xa)."))
@click.option("--code", help=N_("Chữ viết tắt trong ký hiệu: SNV (Số: …/KH-SNV)."))
@click.option("--units", help=N_("Các đơn vị thuộc cơ quan, mỗi đơn vị 'Tên (MÃ)', cách nhau bởi ';'."))
@click.option("--head-title", help=N_("Chức danh người đứng đầu: Giám đốc, Chủ tịch …"))
@click.option("--deputy-title", help=N_("Chức danh cấp phó: Phó Giám đốc …"))
@click.option(
    "--signer", help=N_("Thẩm quyền ký: TM., KT., Q., TL., TUQ. (hoặc head, deputy, acting, by_order, by_delegation).")
)
@click.option("--signer-name", help=N_("Họ tên người ký (có thể để trống)."))
@click.option("--year", type=click.IntRange(1990, 2200), help=N_("Năm của kế hoạch."))
@click.option("--subplans", help=N_("Các kế hoạch con, mã cách nhau bởi dấu phẩy (hoặc 'all', 'none')."))
@click.option("--title", help=N_("Trích yếu của kế hoạch; viết năm là {{ year }}."))
@click.option("--yes", "-y", "assume_yes", is_flag=True, help=N_("Không hỏi: điều không cho được lấy theo mặc định."))
@click.option("--force", is_flag=True, help=N_("Ghi đè tệp đã có với nội dung khác."))
def init(out: Path, assume_yes: bool, force: bool, **given: object) -> None:  # fmt: skip
    from generator.errors import VbgenError
    from generator.family import init as lib
    from generator.i18n import _

    def ask(key: str, text: str, default: object = None, check: object = None, **kw: object) -> object:
        """A flag's value, else (with --yes) the default, else the answer to a prompt; `check`
        raises on a wrong answer, which is then asked again."""
        if given.get(key) is not None:
            return given[key]
        if assume_yes:
            if default is None:
                raise click.UsageError(_("thiếu --{flag} (không hỏi vì có --yes)", flag=key.replace("_", "-")))
            return default

        def proc(value: str) -> str:
            try:
                if check is not None and value:
                    check(value)  # type: ignore[operator]
            except VbgenError as exc:
                raise click.BadParameter(exc.message + (f" ({exc.hint})" if exc.hint else "")) from None
            return value

        return click.prompt(text, default=default, value_proc=None if "type" in kw else proc, **kw)

    try:
        # The year decides whether a province merged away in 2025 may be named: the one given, else
        # the default (asked later), which is after the reorganisation.
        year_given = given.get("year") or lib.this_year()
        province, taken = lib.resolve_province(
            str(ask("province", _("Tỉnh, thành phố (ví dụ: Tây Ninh)"), None,
                    lambda v: lib.resolve_province(v, year_given))),  # type: ignore[arg-type]
            year_given,  # type: ignore[arg-type]
        )  # fmt: skip
        if taken:
            click.echo(taken, err=True)
        choices = lib.agency_choices()
        agency = given.get("agency")
        if agency is not None and agency != lib.TYPED_AGENCY and agency not in lib.listed_bodies():
            raise lib.unknown_agency(str(agency))  # before asking what only a known agency would need
        if agency is None and not assume_yes:
            click.echo(_("Cơ quan ban hành (sau sắp xếp năm 2025):"))
            for i, body in enumerate(choices, start=1):
                click.echo(
                    f"  {i:2}. {body.label(province)}" + ("" if body.in_every_province else _(" (chỉ ở một số tỉnh)"))
                )
            click.echo("   0. " + _("cơ quan khác (gõ tên)"))
            pick = click.prompt(_("Chọn số"), type=click.IntRange(0, len(choices)), default=1)
            agency = choices[pick - 1].key if pick else lib.TYPED_AGENCY
        agency = str(agency or "so-noi-vu")
        typed = agency == lib.TYPED_AGENCY
        name = given.get("name")
        if typed or agency == "ubnd-xa":
            label = (
                _("Tên cơ quan (ví dụ: Ban Quản lý dự án đầu tư xây dựng tỉnh)")
                if typed
                else _("Tên xã, phường (ví dụ: Phường Long An)")
            )
            name = ask("name", label)
        defaults = lib.agency_defaults("" if typed else agency, province, str(name or ""))
        code = ask("code", _("Chữ viết tắt trong ký hiệu (Số: …/KH-<mã>)"), defaults["code"] or None, lib.check_code)
        units_text = ask(
            "units",
            _("Các đơn vị thuộc cơ quan, 'Tên (MÃ)' cách nhau bởi ';' (đơn vị đầu là đơn vị soạn thảo)"),
            lib.format_units(defaults["units"]) or None,
            lib.parse_units,
        )
        head = ask("head_title", _("Chức danh người đứng đầu"), defaults["head_title"] or None)
        deputy = ask("deputy_title", _("Chức danh cấp phó"), defaults["deputy_title"] or None)
        signer = ask("signer", _("Thẩm quyền ký: TM., KT., Q., TL., TUQ."), "KT.", lib.signer_authority)
        signer_name = ask("signer_name", _("Họ tên người ký (Enter để bỏ trống)"), "")
        year = int(ask("year", _("Năm của kế hoạch"), lib.this_year(), type=int))  # type: ignore[arg-type]
        kinds = lib.subplan_kinds()
        if given.get("subplans") is None and not assume_yes:
            click.echo(_("Các kế hoạch con:"))
            for i, (_kind, title) in enumerate(kinds, start=1):
                click.echo(f"  {i}. {title}")
        wanted = str(ask("subplans", _("Chọn các số, cách nhau bởi dấu phẩy ('all': tất cả, Enter: không có)"), ""))
        subplans = _subplans(wanted, kinds)
        title = str(ask("title", _("Trích yếu của kế hoạch"), lib.DEFAULT_TITLE))
        # A default accepted as it is stays marked unverified in the directory.
        given_code = str(code) if code and code != defaults["code"] else None
        given_units = str(units_text) if units_text and units_text != lib.format_units(defaults["units"]) else None
        spec = lib.InitSpec(
            province=province,
            agency="" if typed else agency,
            year=year,
            name=str(name) if name else None,
            code=given_code,
            units=lib.parse_units(given_units) if given_units else None,
            head_title=str(head) if head else None,
            deputy_title=str(deputy) if deputy else None,
            signer=str(signer),
            signer_name=str(signer_name) or None,
            subplans=subplans,
            title=title,
        )
        result = lib.init(spec, out, force=force)
    except VbgenError as exc:
        _fail(exc)
        return
    for path in result.files:
        click.echo(str(path))
    click.echo(
        _(
            "Đã viết dữ liệu của '{agency}'. Viết lại các chỗ có dấu ĐIỀN trong {plan}, rồi dựng: vbgen build {out} --out out",
            agency=result.agency_id,
            plan=result.plan,
            out=out,
        ),
        err=True,
    )


def _subplans(wanted: str, kinds: list[tuple[str, str]]) -> list[str]:
    """Sub-plan kinds from an answer: numbers of the list or ids, 'all', or nothing."""
    from generator.i18n import _

    wanted = wanted.strip()
    if wanted.lower() in ("", "none", "0", "không"):
        return []
    if wanted.lower() in ("all", "tất cả"):
        return [k for k, _t in kinds]
    ids = [k for k, _t in kinds]
    out = []
    for part in (p.strip() for p in wanted.split(",") if p.strip()):
        if part.isdigit() and 1 <= int(part) <= len(kinds):
            out.append(ids[int(part) - 1])
        elif part in ids:
            out.append(part)
        else:
            raise click.BadParameter(
                _("không có kế hoạch con '{kind}'; dùng một trong: {kinds}", kind=part, kinds=", ".join(ids))
            )
    return out


def _print_facts(paths: list[Path]) -> None:
    """`vbgen check --facts`: each unverified fact once, with its place and note."""
    from generator.check import facts
    from generator.errors import VbgenError
    from generator.i18n import _

    try:
        found = facts(paths)
    except VbgenError as exc:
        _fail(exc)
        return
    for fact in found:
        click.echo(str(fact))
    click.echo(
        _("{n} dữ kiện chưa được xác minh: đối chiếu với văn bản gốc rồi ghi verified: true.", n=len(found)), err=True
    )


# --- vbgen serve -----------------------------------------------------------------------------------


@main.command(
    help=N_("Mở trang web soạn, xem trước, kiểm tra và tải văn bản của thư mục DATA."),
    epilog=N_("""\b
Ví dụ:
  vbgen serve data                      # http://127.0.0.1:8000, chỉ máy này
  vbgen serve data --host 0.0.0.0       # mở cho mạng nội bộ: in mã truy cập
"""),
)
@click.argument("data", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Địa chỉ lắng nghe."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("Cổng."))
def serve(data: Path, host: str, port: int) -> None:
    from generator.web.server import serve as run_server

    run_server(data, host=host, port=port)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
