"""The Dockerfile builds an image that runs as a non-root user, has the fonts, HarfBuzz
subsetting and compiled translations, refuses to start without its settings, and serves
the app on the local PostgreSQL. Skipped where Docker cannot build (no docker, no daemon,
or no way to pull the base image), saying which."""

import json
import os
import secrets
import shutil
import subprocess
import time

import pytest

from assessment.config import ROOT
from tests.ops.conftest import free_port, get, libpq_url, scratch_databases

# The Dockerfile's base; TEST_DOCKER_BASE_IMAGE names a stand-in where Docker Hub cannot be
# reached (a mirror's copy), passed to the build as PYTHON_IMAGE.
BASE_IMAGE = os.environ.get("TEST_DOCKER_BASE_IMAGE", "python:3.11-slim-bookworm")
IMAGE = "maturity-assessment:test"


def docker(*arguments, timeout=120):
    return subprocess.run(
        ["docker", *arguments], capture_output=True, text=True, timeout=timeout, check=False
    )


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


@pytest.fixture(scope="module")
def image():
    """The app's image, built from the Dockerfile, or a skip saying why it cannot be."""
    if shutil.which("docker") is None:
        pytest.skip("docker is not installed")
    info = docker("info")
    if info.returncode != 0:
        pytest.skip(f"the Docker daemon is not running: {last_line(info.stderr)}")
    if docker("image", "inspect", BASE_IMAGE).returncode != 0:
        pulled = docker("pull", BASE_IMAGE, timeout=900)
        if pulled.returncode != 0:
            pytest.skip(f"cannot pull the base image {BASE_IMAGE}: {last_line(pulled.stderr)}")
    built = docker(
        "build",
        "--build-arg",
        f"PYTHON_IMAGE={BASE_IMAGE}",
        "--tag",
        IMAGE,
        str(ROOT),
        timeout=3600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield IMAGE
    docker("image", "rm", IMAGE)


def run_in(image, *command, entrypoint=None, environment=None):
    options = ["--rm"]
    if entrypoint:
        options += ["--entrypoint", entrypoint]
    for name, value in (environment or {}).items():
        options += ["--env", f"{name}={value}"]
    return docker("run", *options, image, *command, timeout=300)


def test_image_runs_as_a_user_other_than_root(image):
    assert run_in(image, "-u", entrypoint="id").stdout.strip() not in ("", "0")


def test_image_has_chinese_fonts_harfbuzz_subsetting_and_compiled_translations(image):
    assert "NotoSansCJK" in run_in(image, "Noto Sans CJK SC", entrypoint="fc-match").stdout
    checked = run_in(
        image,
        "-c",
        "from pathlib import Path; "
        "from assessment.reports.pdf import harfbuzz_subsetting_available as subsetting; "
        "print(subsetting(), "
        "Path('assessment/translations/zh/LC_MESSAGES/messages.mo').is_file())",
        entrypoint="python",
    )
    assert checked.stdout.split() == ["True", "True"], checked.stderr


def test_image_refuses_to_start_without_its_settings(image):
    refused = run_in(image)
    assert refused.returncode != 0
    assert "Configuration error: SECRET_KEY is not set." in refused.stderr
    assert "Configuration error: DATABASE_URL is not set." in refused.stderr
    assert "Traceback" not in refused.stderr


def test_image_migrates_and_serves_the_app_on_postgresql(image):
    port = free_port()
    with scratch_databases() as make:
        database = libpq_url(make("docker"))
        name = f"assessment-test-{secrets.token_hex(4)}"
        started = docker(
            "run",
            "--detach",
            "--name",
            name,
            "--network",
            "host",
            "--env",
            f"DATABASE_URL={database}",
            "--env",
            f"SECRET_KEY={secrets.token_hex(32)}",
            "--env",
            f"PORT={port}",
            "--env",
            "WEB_CONCURRENCY=2",
            image,
        )
        assert started.returncode == 0, started.stderr
        try:
            deadline = time.monotonic() + 180
            status = None
            while time.monotonic() < deadline and status != 200:
                try:
                    status = get(f"http://127.0.0.1:{port}/readyz", timeout=2)[0]
                except OSError:
                    time.sleep(0.5)
            logs = docker("logs", name)
            assert status == 200, logs.stdout + logs.stderr
            home = get(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "en"})
            assert home[0] == 200
            assert "Start the assessment" in home[2].decode()
            stopped = docker("stop", "--time", "30", name, timeout=60)
            assert stopped.returncode == 0
            state = json.loads(docker("inspect", name).stdout)[0]["State"]
            assert state["ExitCode"] == 0
        finally:
            docker("rm", "--force", name)
