"""Self-hosting files: compose.yaml is valid Compose and runs the Procfile's commands, the README
names every variable it uses, the image installs the runtime lock only, the locks are complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose-spec.json")


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(tuple(part.strip() for part in line.split(":", 1)) for line in lines if line)


def barback_services() -> dict[str, dict[str, Any]]:
    """The services that run barback's own image (built from this folder)."""
    return {name: s for name, s in compose()["services"].items() if s.get("build") == "."}


def schema_errors(document: object) -> list[str]:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_yaml_follows_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda c: c["services"]["web"].update(restart_policy="always"), "restart_policy"),
        (lambda c: c["services"]["web"].update(ports="8080:8080"), "'8080:8080' is not of type"),
    ],
)
def test_the_schema_refuses_what_compose_would(change: Any, complaint: str) -> None:
    broken = compose()
    change(broken)
    assert any(complaint in error for error in schema_errors(broken))


def test_every_service_runs_a_procfile_command_and_every_command_runs() -> None:
    commands = {name: " ".join(s["command"]) for name, s in barback_services().items()}
    assert set(commands.values()) == set(procfile().values())
    for name, command in commands.items():
        assert procfile().get(name) == command, f"service {name} runs {command!r}"


def test_services_wait_for_the_database_and_the_migrations() -> None:
    services = compose()["services"]
    assert services["release"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker"):
        condition = services[name]["depends_on"]["release"]["condition"]
        assert condition == "service_completed_successfully"
        assert "healthcheck" in services[name]


def variables_used() -> set[str]:
    text = (ROOT / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    set_in_services = {key for s in barback_services().values() for key in s.get("environment", {})}
    return interpolated | set_in_services


def test_the_readme_self_hosting_section_names_every_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Self-hosting", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in variables_used() if f"`{name}`" not in section)
    assert missing == []
    assert {"DATABASE_URL", "BARBACK_SECRET_KEY", "POSTGRES_PASSWORD"} <= variables_used()


def test_env_example_has_what_compose_requires() -> None:
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text()
    assert required == {"POSTGRES_PASSWORD", "BARBACK_SECRET_KEY"}
    assert all(re.search(rf"^{name}=", example, re.M) for name in required)


def test_the_image_is_multi_stage_slim_and_not_root_and_has_no_test_tools() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(stages) == 2 and all(s.endswith("-slim-bookworm") for s in stages)
    final = dockerfile.split("\nFROM ")[-1]
    user = re.search(r"^USER (\S+)", final, re.M)
    assert user is not None and user.group(1) not in ("root", "0")
    assert "--require-hashes" in dockerfile and "requirements/run.txt" in dockerfile
    assert "requirements/test.txt" not in dockerfile and "[test]" not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in ignored  # everything not listed with ! stays out of the build context
    assert "!tests/" not in ignored and "!bench/" not in ignored


def locked(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1).lower())] = match.group(2)
    return pins


def declared(group: str | None) -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", d)[0].lower()) for d in found}


def test_the_locks_pin_every_dependency_with_hashes() -> None:
    run, test = locked("run.txt"), locked("test.txt")
    assert declared(None) <= set(run)
    assert declared(None) | declared("test") <= set(test)
    assert {"pytest", "mypy", "ruff", "hypothesis", "pint"}.isdisjoint(run)
    assert all(test[name] == version for name, version in run.items())
    for name in ("run.txt", "test.txt"):
        text = (ROOT / "requirements" / name).read_text()
        for entry in re.split(r"\n(?=[A-Za-z])", text):  # one pinned package per entry
            if re.match(r"^[A-Za-z0-9_.-]+==", entry):
                assert "--hash=sha256:" in entry, entry.splitlines()[0]
