"""Write generator/locale/vi/LC_MESSAGES/click.po: click's own messages (usage, help, errors) in
Vietnamese. Run after upgrading click; a message click adds is left empty here and
tests/test_messages.py names it (translate it in VI below)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

OUT = Path(__file__).resolve().parents[1] / "generator" / "locale" / "vi" / "LC_MESSAGES" / "click.po"

VI: dict[str, str | tuple[str, ...]] = {
    "d": "ng",
    "{editor}: Editing failed": "{editor}: sửa không thành công",
    "{editor}: Editing failed: {e}": "{editor}: sửa không thành công: {e}",
    "Windows error: {error}": "Lỗi Windows: {error}",
    "Aborted!": "Đã dừng!",
    "deprecated": "không còn dùng",
    "Options": "Tùy chọn",
    "Positional arguments": "Đối số",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): ("Thừa đối số ({args})",),
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "Cảnh báo: lệnh {name!r} không còn dùng.{extra_message}",
    "Commands": "Lệnh",
    "Missing command.": "Thiếu lệnh.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị nhưng có {len}.",
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "Cảnh báo: {param_type} {name!r} không còn dùng.{extra_message}",
    "Name '{name}' defined twice": "Tên '{name}' được định nghĩa hai lần",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "Tùy chọn bật/tắt {decl!r} không dùng cùng một cờ cho cả hai giá trị.",
    "Could not determine name for option with declarations {decls!r}": "Không xác định được tên tùy chọn từ {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?": "Không có tùy chọn nào mà lại có tên ({name}). Có phải muốn khai báo một đối số, hay viết '--{name}'?",
    "env var: {var}": "biến môi trường: {var}",
    "default: {default}": "mặc định: {default}",
    "(dynamic)": "(tính khi chạy)",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "Đối số nhận đúng một khai báo, có {length}: {decls}.",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Đồng ý mà không hỏi lại.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): ("(Có phải: {possibilities}?)",),
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "unknown error": "lỗi không rõ",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Usage:": "Cách dùng:",
    "Invalid start character for option ({option})": "Ký tự đầu của tùy chọn không hợp lệ ({option})",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} nhận {nargs} giá trị.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần {nargs} giá trị.",
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": "Tự hoàn thành lệnh cần Bash 4.4 trở lên.",
    "Couldn't detect Bash version, shell completion is not supported.": "Không nhận ra phiên bản Bash; không tự hoàn thành lệnh được.",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai giá trị nhập vào không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Unknown color {colour!r}": "Không biết màu {colour!r}",
    "Press any key to continue...": "Nhấn phím bất kỳ để tiếp tục...",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải một trong: {choices}.",
    ),
    "Choice({choices})": "Lựa chọn({choices})",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} không đúng dạng {formats}.",
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} không phải một số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} không phải giá trị đúng/sai. Dùng: {states}",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): ("Cần {len_type} giá trị, nhưng có {len_value}.",),
    "Unknown standard stream '{name}'": "Không biết luồng chuẩn '{name}'",
}


# Strings click passes to gettext as variables, or shows without it: its usage line's metavars.
EXTRA = {"required": "bắt buộc", "[OPTIONS]": "[TÙY CHỌN]", "COMMAND [ARGS]...": "LỆNH [ĐỐI SỐ]..."}
VI.update(EXTRA)


def click_messages() -> list[str | tuple[str, str]]:
    """Every message click's source passes to gettext/ngettext, in order, once each."""
    folder = Path(click.__file__).parent
    found = extract_from_dir(str(folder), keywords={"_": None, "ngettext": (1, 2)})
    out: list[str | tuple[str, str]] = []
    for _file, _line, message, _comments, _context in found:
        if message and message not in out:
            out.append(message)
    return out + list(EXTRA)


def main() -> int:
    catalog = Catalog(locale="vi", domain="click", project="vbgen (click)", fuzzy=False)
    missing = []
    for message in click_messages():
        text = VI.get(message)
        if text is None:
            missing.append(message)
        catalog.add(message, text or ("",) if isinstance(message, tuple) else text or "")
    with OUT.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, no_location=True)
    for message in missing:
        print("untranslated:", message, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
