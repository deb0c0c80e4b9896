"""`make run`'s process table (bot/runner.py): loopback binding, engine count, supervisord config."""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

import pytest

from bot import runner
from bot.config import Settings

SQLITE = {"RASA_AUTH_TOKEN": "secret-token-xyz"}
SHARED = dict(SQLITE, TRACKER_STORE_URL="postgresql://rasa:pw@db:5432/tracker", REDIS_URL="redis://cache:6379/0")


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(dict(env, COMPLAINT_VAR_DIR=str(tmp_path)))


def test_commands_action_server_started_through_the_loopback_wrapper(tmp_path: Path) -> None:
    cmd = runner.commands(settings(tmp_path, **SQLITE), Path("m.tar.gz"), Path("e.yml"), action_port=5123)["actions"]
    assert cmd[1:4] == ["-m", "bot.runner", "actions"]
    assert "--host" not in cmd and cmd[-2:] == ["-p", "5123"]


def test_serve_actions_binds_loopback_whatever_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa_sdk.__main__

    seen: list[object] = []
    monkeypatch.setattr(rasa_sdk.__main__, "main_from_args", seen.append)
    monkeypatch.setenv("SANIC_HOST", "0.0.0.0")
    monkeypatch.setenv(runner.WORKER_MARK, "")
    runner.serve_actions(["--actions", "actions", "-p", "5123"])
    assert os.environ["SANIC_HOST"] == "127.0.0.1"
    assert os.environ[runner.WORKER_MARK] == "actions"
    assert seen and seen[0].port == 5123 and seen[0].actions == "actions"  # type: ignore[attr-defined]


def test_serve_actions_explicit_host_for_a_split_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa_sdk.__main__

    monkeypatch.setattr(rasa_sdk.__main__, "main_from_args", lambda args: None)
    monkeypatch.setenv("SANIC_HOST", "")
    monkeypatch.setenv(runner.WORKER_MARK, "")
    runner.serve_actions(["--host", "0.0.0.0", "--actions", "actions"])
    assert os.environ["SANIC_HOST"] == "0.0.0.0"


def test_engine_workers_one_on_sqlite_cores_on_postgres_and_redis(tmp_path: Path) -> None:
    assert runner.engine_workers(settings(tmp_path, **SQLITE), {}) == 1
    assert runner.engine_workers(settings(tmp_path, **SHARED), {}) == (os.cpu_count() or 1)
    only_redis = dict(SQLITE, REDIS_URL="redis://cache:6379/0")
    assert runner.engine_workers(settings(tmp_path, **only_redis), {}) == 1
    assert runner.engine_workers(settings(tmp_path, **SQLITE), {"ENGINE_WORKERS": "3"}) == 3
    assert runner.engine_workers(settings(tmp_path, **SHARED), {"ENGINE_WORKERS": "0"}) == 1


def test_action_workers_one_per_two_engines_unless_set() -> None:
    assert [runner.action_workers(n, {}) for n in (1, 2, 3, 4)] == [1, 1, 2, 2]
    assert runner.action_workers(1, {"ACTION_WORKERS": "3"}) == 3


def test_programs_engines_on_consecutive_ports_and_the_web_service_gets_every_url(tmp_path: Path) -> None:
    s = settings(tmp_path, ENGINE_URL="http://127.0.0.1:6005", ACTION_SERVER_URL="http://127.0.0.1:6055/webhook",
                 **SQLITE)
    progs = runner.programs(s, Path("m.tar.gz"), Path("e.yml"), engines=3, actions=2)
    assert list(progs) == ["engine-0", "engine-1", "engine-2", "actions", "web"]
    ports = [cmd[cmd.index("-p") + 1] for name, (cmd, _) in progs.items() if name.startswith("engine")]
    assert ports == ["6005", "6006", "6007"]
    assert all(cmd[cmd.index("-i") + 1] == "127.0.0.1" for name, (cmd, _) in progs.items() if name.startswith("engine"))
    assert progs["web"][1]["ENGINE_URL"] == "http://127.0.0.1:6005,http://127.0.0.1:6006,http://127.0.0.1:6007"
    actions_cmd, actions_env = progs["actions"]
    assert actions_cmd[-2:] == ["-p", "6055"] and actions_env == {"ACTION_SERVER_SANIC_WORKERS": "2"}


def test_supervisor_conf_restarts_every_program_and_holds_no_secret(tmp_path: Path) -> None:
    s = settings(tmp_path, **SQLITE)
    progs = runner.programs(s, Path("/m/100%.tar.gz"), tmp_path / "endpoints.yml", engines=2, actions=1)
    path = runner.write_supervisor_conf(progs, tmp_path)
    text = path.read_text()
    assert "secret-token-xyz" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conf = configparser.RawConfigParser()
    conf.read_string(text)
    names = [sec.split(":", 1)[1] for sec in conf.sections() if sec.startswith("program:")]
    assert names == ["engine-0", "engine-1", "actions", "web"]
    for name in names:
        sec = conf[f"program:{name}"]
        assert sec["autorestart"] == "true" and sec["stopasgroup"] == "true" and sec["killasgroup"] == "true"
    engine = conf["program:engine-0"]["command"]
    assert "%(ENV_" not in engine and "os.environ[" in engine  # the engine reads its environment
    assert "100%%.tar.gz" in conf["program:engine-0"]["command"]  # supervisord expands %: escaped


def test_supervisor_conf_is_accepted_by_supervisord_and_no_command_holds_the_token(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from supervisor.options import ServerOptions

    monkeypatch.setenv("RASA_AUTH_TOKEN", "secret-token-xyz")
    s = settings(tmp_path, **SQLITE)
    path = runner.write_supervisor_conf(runner.programs(s, Path("m.tar.gz"), tmp_path / "e.yml", engines=1,
                                                        actions=1), tmp_path)
    options = ServerOptions()
    options.realize(args=["-c", str(path)])
    groups = {g.name: g for g in options.process_group_configs}
    assert set(groups) == {"engine-0", "actions", "web"}
    engine = groups["engine-0"].process_configs[0]
    assert "secret-token-xyz" not in engine.command  # ps and /proc/<pid>/cmdline show every command
    assert groups["web"].process_configs[0].autorestart is not False
