"""deploy/: the compose file, the systemd units, the Dockerfile and env.example name real commands and settings.

Syntax: compose.yaml through PyYAML, the units through a small INI reader and `systemd-analyze verify`
(when the machine has it). Commands: every ``fakturaflyt``, ``gunicorn``, ``celery`` and ``python -m``
command they run is checked against the real CLIs (Typer app, gunicorn's option parser and config
module, Celery's click commands), without starting anything.
"""

from __future__ import annotations

import importlib
import re
import shlex
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
VENV_BIN = "/opt/fakturaflyt/.venv/bin/"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not key=value: {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(autouse=True)
def _no_stray_metrics_dir(monkeypatch, tmp_path):
    """Loading the gunicorn config without PROMETHEUS_MULTIPROC_DIR would make a temporary directory."""
    import sys

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    yield
    sys.modules.pop("fakturaflyt.monitoring.gunicorn_conf", None)


# --- the commands ---------------------------------------------------------------------------


def check_fakturaflyt(args: list[str]) -> None:
    import click
    import typer

    from fakturaflyt.cli import app

    group = typer.main.get_command(app)
    command: click.Command = group
    ctx = click.Context(group)
    rest = list(args)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"`fakturaflyt {' '.join(args)}`: no command {rest[0]!r}"
        command, rest = sub, rest[1:]
    assert not isinstance(command, click.Group), f"`fakturaflyt {' '.join(args)}` names a group, not a command"
    command.make_context("fakturaflyt", rest, resilient_parsing=False)


def check_gunicorn(args: list[str]) -> None:
    from gunicorn.config import Config

    parsed = Config().parser().parse_args(args)
    assert parsed.config, "gunicorn runs without the config module"
    load_gunicorn_config(parsed.config)
    assert parsed.args == ["fakturaflyt.wsgi:application"], parsed.args
    module, _, attribute = parsed.args[0].partition(":")
    assert hasattr(importlib.import_module(module), attribute)


def load_gunicorn_config(location: str) -> dict:
    """Load the config as gunicorn does, and check every name in it is a gunicorn setting."""
    from gunicorn.app.base import Application
    from gunicorn.config import Config

    class Probe(Application):
        def init(self, parser, opts, args):  # pragma: no cover - not called
            return None

        def load(self):  # pragma: no cover - not called
            return None

    probe = Probe.__new__(Probe)
    probe.cfg = Config()
    probe.load_config_from_module_name_or_filename(location)
    settings = Config().settings
    module = importlib.import_module(location.removeprefix("python:"))
    names = {
        k
        for k in vars(module)
        if not k.startswith("_") and k.islower() and not isinstance(getattr(module, k), type(re))
    }
    names -= {"annotations", "os", "shutil", "tempfile", "path", "any"}
    unknown = {n for n in names if n not in settings}
    assert not unknown, f"not gunicorn settings: {unknown}"
    return {k: probe.cfg.settings[k].get() for k in names}


def check_celery(args: list[str]) -> None:
    from celery.bin.celery import celery as cli

    ctx = cli.make_context("celery", list(args), resilient_parsing=True)
    app_path = ctx.params.get("app")
    assert app_path == "fakturaflyt.celery", args
    assert importlib.import_module(app_path).app.main == "fakturaflyt"
    with warnings.catch_warnings():  # Click 8.2 deprecates protected_args; 9.0 puts them in args
        warnings.simplefilter("ignore", DeprecationWarning)
        rest = [*ctx.protected_args, *ctx.args]
    sub = cli.get_command(ctx, rest[0])
    assert sub is not None and rest[0] in {"worker", "beat"}, rest
    known = {opt for p in sub.params for opt in getattr(p, "opts", [])}
    for word in rest[1:]:
        if word.startswith("-"):
            assert word.split("=")[0] in known, f"celery {rest[0]} has no option {word}"


def check_python_module(args: list[str]) -> None:
    assert args[0] == "-m", args
    module = importlib.import_module(args[1])
    assert callable(getattr(module, "main", None)), f"{args[1]} has no main()"


def check_command(argv: list[str]) -> None:
    program = argv[0].removeprefix(VENV_BIN)
    checks = {
        "fakturaflyt": check_fakturaflyt,
        "gunicorn": check_gunicorn,
        "celery": check_celery,
        "python": check_python_module,
    }
    assert program in checks, f"unknown program {argv[0]!r}"
    checks[program](argv[1:])


# --- compose --------------------------------------------------------------------------------


def test_compose_services_and_commands():
    services = compose()["services"]
    assert {"web", "worker", "beat", "redis", "db", "migrate"} <= set(services)
    for name in ("migrate", "web", "worker", "beat"):
        check_command(services[name]["command"])
    assert services["migrate"]["command"] == ["fakturaflyt", "migrate"]
    assert services["worker"]["command"][3] == "worker"
    assert services["beat"]["command"][3] == "beat"


def test_compose_healthchecks_use_readiness():
    services = compose()["services"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    worker_check = services["worker"]["healthcheck"]["test"]
    assert worker_check[0] == "CMD"
    check_command(worker_check[1:])
    assert "readycheck" in worker_check[-1]
    for infra in ("db", "redis"):
        assert services[infra]["healthcheck"]["test"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_is_production_and_shares_the_files():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["FAKTURAFLYT_ENV"] == "production"
        assert env["MEDIA_ROOT"].startswith("/data")
        assert "files:/data" in services[name]["volumes"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert env["DATABASE_URL"].startswith("postgres://")
    # each process kind has its own metrics directory; beat counts nothing
    assert (
        services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        != services["worker"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    )
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_dockerfile_default_command_is_real():
    text = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", text, re.M)
    assert cmd, "no CMD"
    check_command(yaml.safe_load(cmd.group(1)))


# --- systemd --------------------------------------------------------------------------------


def test_units_exist():
    assert [u.name for u in UNITS] == [
        "fakturaflyt-beat.service",
        "fakturaflyt-web.service",
        "fakturaflyt-worker.service",
    ]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.stem)
def test_unit_runs_a_real_command_hardened(path):
    u = unit(path)
    service = u["Service"]
    (exec_start,) = service["ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0].startswith(VENV_BIN)
    check_command(argv)
    assert service["EnvironmentFile"] == ["/etc/fakturaflyt/env"]
    assert service["User"] == ["fakturaflyt"]
    assert service["Restart"] == ["on-failure"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
    }.items():
        assert service[key] == [value], key
    writable = " ".join(service["ReadWritePaths"]).split()
    assert "/var/lib/fakturaflyt" in writable
    if "beat" not in path.name:
        assert "/srv/fakturaflyt/media" in writable
        assert any(e.startswith("PROMETHEUS_MULTIPROC_DIR=/run/") for e in service["Environment"])
        assert service["RuntimeDirectory"]
    assert u["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_units_verify(tmp_path):
    """`systemd-analyze verify`, with ExecStart pointing at this checkout's venv (it checks the binaries exist)."""
    venv_bin = str(ROOT / ".venv" / "bin") + "/"
    copies = []
    for path in UNITS:
        copy = tmp_path / path.name
        copy.write_text(path.read_text().replace(VENV_BIN, venv_bin))
        copies.append(str(copy))
    result = subprocess.run(["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "fakturaflyt" not in result.stderr, result.stderr


# --- env.example ----------------------------------------------------------------------------

ENV_READ = re.compile(r"""(?:os\.environ(?:\.get)?\(\s*|os\.environ\[\s*|_env_bool\(\s*)["']([A-Z][A-Z0-9_]*)["']""")


def env_example_names() -> set[str]:
    names = set()
    for line in (DEPLOY / "env.example").read_text().splitlines():
        m = re.match(r"\s*#?\s*([A-Z][A-Z0-9_]*)=", line)
        if m:
            names.add(m.group(1))
    return names


def test_env_example_names_every_variable_settings_reads():
    read = set(ENV_READ.findall((ROOT / "fakturaflyt" / "settings.py").read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "FAKTURAFLYT_ENV"} <= read  # the pattern finds them
    missing = read - env_example_names()
    assert not missing, f"deploy/env.example lacks {sorted(missing)}"


def test_env_example_names_the_other_variables_the_product_reads():
    gunicorn_conf = (ROOT / "fakturaflyt" / "monitoring" / "gunicorn_conf.py").read_text()
    others = set(ENV_READ.findall(gunicorn_conf)) - {"PROMETHEUS_MULTIPROC_DIR"}
    others |= {"FAKTURAFLYT_SECRETS_KEY", "FAKTURAFLYT_WORKER_METRICS_PORT", "FAKTURAFLYT_METRICS_QUEUES"}
    missing = others - env_example_names()
    assert not missing, f"deploy/env.example lacks {sorted(missing)}"


# --- gunicorn config --------------------------------------------------------------------------


def test_gunicorn_config_loads_and_turns_gunicorns_access_log_off(monkeypatch, tmp_path):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    import sys

    sys.modules.pop("fakturaflyt.monitoring.gunicorn_conf", None)
    try:
        values = load_gunicorn_config("python:fakturaflyt.monitoring.gunicorn_conf")
        assert values["workers"] == 3
        assert values["accesslog"] is None
        assert values["timeout"] == 120
        assert values["forwarded_allow_ips"] == ["127.0.0.1", "::1"]
        # the hooks: start with an empty metrics directory
        from fakturaflyt.monitoring import gunicorn_conf

        (tmp_path / "counter_123.db").write_bytes(b"")
        gunicorn_conf.on_starting(None)
        assert not list(tmp_path.glob("*.db"))
    finally:
        sys.modules.pop("fakturaflyt.monitoring.gunicorn_conf", None)


def test_fakturaflyt_run_uses_the_gunicorn_config():
    text = (ROOT / "fakturaflyt" / "cli.py").read_text()
    assert '"python:fakturaflyt.monitoring.gunicorn_conf"' in text
