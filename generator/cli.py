"""The `vbgen` command line: a thin layer over generator.build and friends."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

# Heavy modules (docxtpl, pydantic, lxml) are imported inside the commands, so `vbgen --help`
# answers at once.

EPILOG = """\b
Ví dụ / Examples:
  vbgen build data --out out
  vbgen context data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml
  vbgen lint out/*.docx
  vbgen deadlines data --ics han.ics
  vbgen draft data --year 2025 --out du-thao-2025
  vbgen schema > vbgen.schema.json
"""


MAX_ERRORS_SHOWN = 20


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


class _Group(click.Group):
    """The command group; an unexpected exception becomes one line, not a traceback."""

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
    cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="vbgen", prog_name="vbgen")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Ngôn ngữ của thông báo (mặc định: VBGEN_LANG, hoặc locale, hoặc vi). Language of messages.",
)
def main(lang: str | None) -> None:
    """vbgen: soạn Kế hoạch, Báo cáo theo Nghị định 30/2020/NĐ-CP từ dữ liệu YAML.

    Builds Vietnamese administrative documents (plans, sub-plans, reports) as .docx files laid out
    per Decree 30/2020/NĐ-CP, from YAML data.
    """
    from generator.i18n import set_language

    set_language(lang)


@main.command(
    epilog="""\b
Ví dụ:
  vbgen build data --out out
  vbgen build data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml --out out --force
  vbgen build data --out out --jobs 2 --strict
"""
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi văn bản."
)
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có với nội dung khác.")
@click.option("--pdf", is_flag=True, help="Chuyển thêm mọi văn bản sang PDF (cần LibreOffice).")
@click.option("--strict", is_flag=True, help="Coi cảnh báo về nội dung thiếu (mục chưa có kết quả) là lỗi.")
@click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64), help="Số tiến trình dựng song song."
)
@click.option(
    "--templates",
    "template_folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Thư mục mẫu thay cho mẫu kèm theo (kehoach.docx, baocao.docx).",
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    force: bool,
    pdf: bool,
    strict: bool,
    jobs: int,
    template_folder: Path | None,
) -> None:
    """Dựng mọi văn bản mà dữ liệu ở PATHS mô tả; in đường dẫn mỗi tệp đã ghi.

    Exit codes: 0 ok · 1 some documents failed (the others are written) · 2 bad input.
    """
    from generator.build import build as run_build
    from generator.errors import VbgenError
    from generator.i18n import _

    bar = None

    def start(total: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and total > 1:  # a progress bar only for a person at a terminal
            bar = click.progressbar(length=total, label="Đang dựng", file=sys.stderr)
            bar.__enter__()

    def progress() -> None:
        if bar is not None:
            bar.update(1)

    def report(outcome) -> None:
        if outcome.path is not None:
            click.echo(str(outcome.path))

    try:
        result = run_build(
            paths,
            out,
            force=force,
            jobs=jobs,
            strict=strict,
            template_folder=template_folder,
            on_start=start,
            on_progress=progress,
            on_outcome=report,
        )
    except VbgenError as exc:
        _fail(exc)
        return
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    prefix = _("cảnh báo")
    for warning in result.warnings:
        click.echo(f"{prefix}: {warning}", err=True)
    by_file: dict[str, list[str]] = {}
    for o in result.failed:
        by_file.setdefault(str(o.source), []).append(f"{o.name}: {o.error}")
    for file, errors in by_file.items():
        click.echo(_("lỗi ở {file} ({count} văn bản):", file=file, count=len(errors)), err=True)
        for line in errors:
            click.echo(f"  {line}", err=True)
    written = sum(1 for o in result.outcomes if o.status == "written")
    unchanged = sum(1 for o in result.outcomes if o.status == "unchanged")
    click.echo(
        _(
            "{written} văn bản đã ghi, {unchanged} không đổi, {failed} lỗi.",
            written=written,
            unchanged=unchanged,
            failed=len(result.failed),
        ),
        err=True,
    )
    if pdf:
        from generator.word.pdf import convert

        try:
            pdfs = convert(result.written, out, workers=jobs)
        except VbgenError as exc:
            _fail(exc)  # the .docx files are written; exit 2 says the PDFs are not
        for path in pdfs:
            click.echo(str(path))
        click.echo(_("{count} tệp PDF đã ghi.", count=len(pdfs)), err=True)
    raise SystemExit(result.exit_code)


@main.command(
    epilog="""\b
Ví dụ:
  vbgen context data/so-gtvt-tay-ninh/2024/ke-hoach-dan-van.yaml
"""
)
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def context(file: Path) -> None:
    """In ngữ cảnh (JSON) mà mẫu nhận được cho mỗi văn bản trong FILE."""
    from generator.build import derive
    from generator.data.load import load
    from generator.errors import VbgenError
    from generator.family.context import to_json

    try:
        jobs = derive(load([file]))
    except VbgenError as exc:
        _fail(exc)
        return
    out = [{"file": str(j.loaded.source.path), "output": j.name, "template": j.template,
            "context": to_json(j.context.values)} for j in jobs]  # fmt: skip
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@main.command(
    epilog="""\b
Ví dụ:
  vbgen check
  vbgen check data --templates templates
"""
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--templates",
    "template_folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Thư mục mẫu cần kiểm tra (mặc định: mẫu kèm theo).",
)
def check(paths: tuple[Path, ...], template_folder: Path | None) -> None:
    """Dựng thử mọi mẫu với mọi tệp dữ liệu (trong bộ nhớ) và báo lỗi mẫu.

    Reports undefined variables, tags split across runs by Word, curly quotes inside tags, syntax
    errors, tags left in the output, output that is not a valid .docx, and variables the template
    uses that the context does not define. PATHS default to ./data. Exit: 0 · 1 problems · 2 usage.
    """
    from generator.check import check as run_check
    from generator.i18n import _

    if not paths and not Path("data").is_dir():
        raise click.UsageError(_("không có thư mục ./data; chỉ ra PATHS"))
    problems = run_check(list(paths) or [Path("data")], template_folder)
    for problem in problems:
        click.echo(str(problem))
    click.echo(_("{count} vấn đề.", count=len(problems)), err=True)
    raise SystemExit(1 if problems else 0)


@main.command(
    epilog="""\b
Ví dụ:
  vbgen lint out/*.docx
  vbgen lint --jobs 2 van-ban/*.docx
  vbgen lint --format json van-ban-go-tay.docx
  vbgen lint --fix van-ban-go-tay.docx -o van-ban-da-sua.docx
  vbgen lint --rules
"""
)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "list_rules", is_flag=True, help="In danh sách quy tắc (id, mức, nguồn) rồi thoát.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Số tiến trình song song.")
@click.option("--fix", "do_fix", is_flag=True, help="Sửa các lỗi sửa được mà không đổi chữ nào (cần -o hoặc --in-place).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Tệp .docx đã sửa (với --fix).")
@click.option("--in-place", is_flag=True, help="Với --fix: ghi đè lên chính tệp gốc.")
def lint(
    files: tuple[Path, ...],
    fmt: str,
    list_rules: bool,
    jobs: int,
    do_fix: bool,
    output: Path | None,
    in_place: bool,
) -> None:
    """Kiểm tra thể thức .docx theo Nghị định 30/2020/NĐ-CP (tệp do vbgen tạo hay gõ tay).

    Each finding: `file: RULE-ID severity message (where)`. A rule that cannot be judged on a
    file is reported as `not-evaluated`, never as passed. With --fix, the mechanical fixes (no word
    of the text changes) are written to -o FILE (or over the file with --in-place), each change is
    printed, and the fixed file is linted. Exit codes: 0 no error · 1 errors · 2 usage.
    """
    from generator.i18n import _
    from generator.lint import RULES, lint_file
    from generator.lint.parallel import lint_files

    if list_rules:
        if fmt == "json":
            rows = [{"id": r.id, "severity": r.severity, "source": r.source, "summary": _(r.summary)} for r in RULES]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
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
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
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
    epilog="""\b
Ví dụ:
  vbgen deadlines data
  vbgen deadlines data --ics han-bao-cao.ics
  vbgen deadlines data --json --today 2024-10-01
"""
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--ics", "ics", type=click.Path(dir_okay=False, path_type=Path), help="Ghi thêm tệp iCalendar (.ics).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Ngày tính số ngày còn lại (mặc định: hôm nay)."
)
def deadlines(paths: tuple[Path, ...], ics: Path | None, as_json: bool, today: object) -> None:
    """Liệt kê mọi thời hạn mà các kế hoạch đặt ra, theo ngày, với số ngày còn lại."""
    import datetime as dt

    from generator.errors import VbgenError
    from generator.family.deadlines import collect, to_ics
    from generator.i18n import _
    from generator.nd30.dates import short_date
    from generator.word.writer import write_atomic

    day = today.date() if isinstance(today, dt.datetime) else dt.date.today()
    try:
        entries = collect(paths)
        if ics is not None:
            write_atomic(ics.resolve(), to_ics(entries), force=True)
    except VbgenError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps([e.to_json(day) for e in entries], ensure_ascii=False, indent=2))
        return
    for e in entries:
        left = e.days_left(day)
        when = _("còn {n} ngày", n=left) if left >= 0 else _("quá hạn {n} ngày", n=-left)
        to = f" → {e.to}" + (f" (qua {e.via})" if e.via else "") if e.to else ""
        click.echo(f"{short_date(e.date)}  ({when})  {e.what}{to}  [{e.plan}, {e.issuer}]")
    if ics is not None:
        click.echo(_("đã ghi {path}", path=ics), err=True)


@main.command(
    epilog="""\b
Ví dụ:
  vbgen draft data --year 2025 --out du-thao-2025
  vbgen build du-thao-2025 --out out-2025
  vbgen draft data --year 2025 --out du-thao-2025 --json
"""
)
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--year", required=True, type=click.IntRange(1990, 2200), help="Năm của dự thảo.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có với nội dung khác.")
@click.option("--json", "as_json", is_flag=True, help="In bản tóm tắt dạng JSON.")
def draft(src: Path, year: int, out: Path, force: bool, as_json: bool) -> None:
    """Viết dữ liệu năm YEAR từ dữ liệu năm nay (SRC: tệp hay thư mục), dưới dạng dự thảo.

    The plan year becomes YEAR, numbers and dates are cleared (the documents print as DỰ THẢO),
    deadlines move by the same number of years, a body succeeded by another is replaced by its
    successor, and references tied to the old year are flagged for review in the new files.
    """
    from generator.errors import VbgenError
    from generator.family.draft import REVIEW
    from generator.family.draft import draft as run_draft
    from generator.i18n import _

    try:
        report = run_draft(src, year, out, force=force)
    except VbgenError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
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


@main.command()
def schema() -> None:
    """In JSON Schema của các tệp dữ liệu (bodies, references, kinds, criteria, plan, subplan, results)."""
    from generator.data.schema import data_schema

    click.echo(json.dumps(data_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
