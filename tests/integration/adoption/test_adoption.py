"""Adopting obskit in a team's repository: `obskit init`, then the generated CI workflow (running this
repository's action.yml) and the pre-commit hooks, all run for real against the scaffold."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import yaml

from obskit import __version__
from tests.integration.adoption.workflow_runner import Runner

OBSKIT = [sys.executable, "-m", "obskit"]


def _obskit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
    return subprocess.run([*OBSKIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    repo = tmp_path / "team-repo"
    done = _obskit("init", str(repo), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return repo


def test_init_then_check_passes_and_init_is_idempotent(scaffold: Path) -> None:
    check = _obskit("check", cwd=scaffold)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "obskit check: ok" in check.stdout and "alerts-test: 1 promtool test files, 1 passed" in check.stdout
    again = _obskit("init", "--format", "json", cwd=scaffold)
    actions = {f["path"]: f["action"] for f in yaml.safe_load(again.stdout)["files"]}
    assert set(actions.values()) == {"unchanged"} and ".github/workflows/obskit.yml" in actions
    mine = "services:\n  - name: orders\n"
    (scaffold / "obskit.yaml").write_text(mine)
    kept = _obskit("init", cwd=scaffold)
    assert kept.returncode == 0 and "skipped     obskit.yaml (exists with other content; --force overwrites)" in \
        kept.stdout
    assert (scaffold / "obskit.yaml").read_text() == mine
    assert "created     alerts/slos/orders.yaml" in kept.stdout  # the examples follow the services configured
    forced = _obskit("init", "--force", "--service", "checkout", cwd=scaffold)
    assert "overwritten obskit.yaml" in forced.stdout and "- name: checkout\n" in (scaffold / "obskit.yaml").read_text()


def test_check_offline_with_an_unreachable_prometheus(scaffold: Path) -> None:
    config = scaffold / "obskit.yaml"
    config.write_text(config.read_text().replace("# prometheus:\n#   url: https://prometheus.example:9090",
                                                 "prometheus:\n  url: http://127.0.0.1:9"))
    online = _obskit("check", "--only", "dashboards", "--only", "alerts", cwd=scaffold)
    assert online.returncode == 3 and "connection refused" in online.stdout + online.stderr
    offline = _obskit("check", "--offline", cwd=scaffold)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "skipped online checks (--offline): online/rate-counter, online/series, promql/metric-exists" in \
        offline.stdout


def test_init_refuses_a_bad_service_name(tmp_path: Path) -> None:
    done = _obskit("init", "x", "--service", 'a"b', cwd=tmp_path)
    assert done.returncode == 2 and "expected a lower-case DNS label" in done.stderr
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


@pytest.fixture(scope="module")
def action_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment for the action's install step; obskit's dependencies come from the test
    environment (a .pth file), obskit itself is installed by the step, from this checkout."""
    env_dir = tmp_path_factory.mktemp("action-venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    site = next(env_dir.glob("lib/python3*/site-packages"))
    (site / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir / "bin"


def test_generated_workflow_runs_the_action_against_the_scaffold(scaffold: Path, repo_root: Path,
                                                                 action_python: Path) -> None:
    workflow = yaml.safe_load((scaffold / ".github" / "workflows" / "obskit.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[-1]["uses"] == f"obskit/obskit@v{__version__}" and "--format github" in steps[-1]["with"]["args"]
    runner = Runner(scaffold, repo_root, env={
        "PATH": f"{action_python}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_DEPS": "1",  # dependencies come from the test environment (see action_python)
    })
    code = runner.run_job(workflow, "check")
    ran = {r.name: r for r in runner.runs}
    assert list(ran) == ["Install obskit", "Install promtool", "obskit check"], ran
    assert code == 0, ran["obskit check"].output + ran["Install obskit"].output
    assert (action_python / "obskit").exists()  # installed by the action's own step
    assert "obskit check: ok" in ran["obskit check"].output
    # stale generated output fails the job, with an annotation on the file
    config = scaffold / "obskit.yaml"
    config.write_text(config.read_text().replace("  - name: payments\n", "  - name: payments\n  - name: orders\n"))
    runner.runs.clear()
    assert runner.run_job(workflow, "check") == 1
    output = runner.runs[-1].output
    assert "::error file=dashboards/services/services.py" in output and "build output" in output
    assert "title=build/stale" in output


def test_pre_commit_manifest_and_config_are_valid_and_the_hooks_run(scaffold: Path, repo_root: Path) -> None:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    manifest = repo_root / ".pre-commit-hooks.yaml"
    assert subprocess.run([*pre_commit, "validate-manifest", str(manifest)], capture_output=True).returncode == 0
    config = scaffold / ".pre-commit-config.yaml"
    assert subprocess.run([*pre_commit, "validate-config", str(config)], capture_output=True).returncode == 0
    hooks = yaml.safe_load(manifest.read_text())
    used = yaml.safe_load(config.read_text())["repos"][0]
    assert used["rev"] == f"v{__version__}" and {h["id"] for h in used["hooks"]} <= {h["id"] for h in hooks}
    # run the manifest's hooks with pre-commit itself, as local hooks over the scaffold's files
    local = {"repos": [{"repo": "local", "hooks": [{**h, "language": "system"} for h in hooks]}]}
    (scaffold / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local))
    git = shutil.which("git")
    assert git, "git is needed for pre-commit"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBSKIT_", "GIT_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", PRE_COMMIT_HOME=str(scaffold.parent /
               "pre-commit-home"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run([git, *args], cwd=scaffold, env=env, check=True, capture_output=True)
    clean = subprocess.run([*pre_commit, "run", "--all-files"], cwd=scaffold, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "obskit dashboards build" in clean.stdout and "obskit check" in clean.stdout
    # an orphaned build file: the build hook deletes it (a hook that changes files fails the commit once)
    orphan = scaffold / "dashboards" / "generated" / "services" / "svc-gone.json"
    orphan.write_text("{}\n")
    subprocess.run([git, "add", "-A"], cwd=scaffold, env=env, check=True, capture_output=True)
    dirty = subprocess.run([*pre_commit, "run", "--all-files"], cwd=scaffold, env=env, capture_output=True, text=True)
    assert dirty.returncode == 1 and not orphan.exists(), dirty.stdout
