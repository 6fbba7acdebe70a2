"""Issue 15: the pre-commit hooks install from the repository and run (`pre-commit try-repo`).

The test clones the current checkout's committed HEAD (what a user's `rev:` would name) into a
temporary folder, and runs both hooks of .pre-commit-hooks.yaml on a repository of data and
documents. pre-commit builds its own environment (pip install of the clone and its dependencies
from PyPI): about 45 s on the project's machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build

from .helpers import DATA, REPO

PRE_COMMIT = shutil.which("pre-commit")
GIT = shutil.which("git")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install '.[test]')")
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_hooks_run_from_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "vbgen"
    git("clone", "--quiet", str(REPO), str(clone), cwd=tmp_path)
    assert (clone / ".pre-commit-hooks.yaml").is_file()
    # A repository of data and documents, as a Văn phòng would keep it.
    repo = tmp_path / "van-ban"
    repo.mkdir()
    shutil.copytree(DATA, repo / "data")
    plan = build([repo / "data" / "so-gtvt-tay-ninh" / "2024" / "ke-hoach-dan-van.yaml"], repo / "out").written[0]
    bad = repo / "out" / "go-tay.docx"  # typed by hand, with three ND30 errors (tests/fixtures/lint)
    shutil.copy(REPO / "tests" / "fixtures" / "lint" / "hand-edited-libreoffice.docx", bad)
    git("init", "--quiet", cwd=repo)
    git("add", "-A", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "VBGEN_LANG": "vi"}
    files = ["data/directory.yaml", str(plan.relative_to(repo)), str(bad.relative_to(repo))]
    result = subprocess.run(
        [PRE_COMMIT, "try-repo", str(clone), "--files", *files],  # type: ignore[list-item]
        cwd=repo, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    output = result.stdout + result.stderr
    hooks = {line.split("...")[0].strip(): line.rsplit(".", 1)[-1] for line in output.splitlines() if "....." in line}
    check = next(v for k, v in hooks.items() if k.startswith("vbgen check"))
    lint = next(v for k, v in hooks.items() if k.startswith("vbgen lint"))
    assert check == "Passed", output
    assert lint == "Failed" and result.returncode == 1, output  # the hand-typed file is caught
    assert "go-tay.docx: SIG-01 error" in output, output
    assert f"{plan.name}: 0 lỗi" in output, output  # the generated plan passes


def readme_config() -> str:
    """The README's `.pre-commit-config.yaml` snippet (section "CI gates")."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## CI gates") :]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install '.[test]')")
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_readme_config_pins_a_commit_with_autoupdate(tmp_path: Path) -> None:
    """The README's snippet, with the repository's address, becomes a pinned commit as it says."""
    clone = tmp_path / "vbgen"
    git("clone", "--quiet", str(REPO), str(clone), cwd=tmp_path)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True)
    repo = tmp_path / "van-ban"
    repo.mkdir()
    git("init", "--quiet", cwd=repo)
    config = readme_config()
    assert "rev: main" in config and "id: vbgen-check" in config and "id: vbgen-lint" in config
    branch = subprocess.run(["git", "branch", "--show-current"], cwd=clone, capture_output=True, text=True).stdout
    config = config.replace("https://github.com/OWNER/vbgen", str(clone)).replace("rev: main", f"rev: {branch.strip()}")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    result = subprocess.run([PRE_COMMIT, "autoupdate"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)  # type: ignore[list-item]
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"rev: {head.stdout.strip()}" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")


def test_actions_example_installs_from_the_repository() -> None:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load((REPO / "examples" / "github-actions-vbgen.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["vbgen"]["steps"]]
    assert 'pip install "vbgen @ git+https://github.com/OWNER/vbgen@main"' in runs
    assert "pip install vbgen" not in runs  # not on the package index
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("vbgen check data --templates templates", "vbgen lint out/*.docx"):
        assert command in runs and command in readme
