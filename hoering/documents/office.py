"""One long-lived headless LibreOffice per process, reused for every Office conversion.

Starting LibreOffice costs about a second of CPU per file; a running instance converts a DOCX
in well under half that (bench/documents.py). The instance is unoserver's (PyPI): its server
drives LibreOffice through UNO and must run under the Python that has Debian's python3-uno
(/usr/bin/python3); this process talks to it over XML-RPC on the loopback interface.

- It starts on first use, in its own process group, with a profile and temporary folder of its
  own under the work folder (`office-<pid>`), on two free loopback ports.
- Conversions in one process take turns (a lock); every worker process has its own instance.
- A conversion that runs out of time, or an instance that died, gets the whole process group
  killed; the next conversion starts a new instance.
- It is killed when this process exits (atexit), and kills itself if this process disappears
  without running atexit (its parent changes).
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import xmlrpc.client
from pathlib import Path

from unoserver.client import API_VERSION

log = logging.getLogger(__name__)

# The Python that has Debian's python3-uno (the "uno" module), which unoserver's server needs.
OFFICE_PYTHON = "/usr/bin/python3"
# How the server is started: unoserver is found where this process installed it, after that
# Python's own packages; a watcher kills the process group once its parent is gone.
_BOOTSTRAP = """
import os, signal, sys, threading, time
sys.path.append(sys.argv.pop(1))
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(1)
    os.killpg(0, signal.SIGKILL)
threading.Thread(target=watch, daemon=True).start()
from unoserver.server import main
sys.exit(main())
"""


class OfficeError(RuntimeError):
    """LibreOffice failed, died or ran out of time; the message says which, for the log."""


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a time limit on every call."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Instance:
    """A running unoserver with its LibreOffice: one process group, killed as one."""

    def __init__(self, folder: Path, deadline: float) -> None:
        self.folder = folder
        profile, temp = folder / "profile", folder / "tmp"
        temp.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        unoserver = Path(importlib.util.find_spec("unoserver").origin).parent.parent
        args = [
            OFFICE_PYTHON,
            "-c",
            _BOOTSTRAP,
            str(unoserver),
            "--interface=127.0.0.1",
            f"--port={self.port}",
            "--uno-interface=127.0.0.1",
            f"--uno-port={_free_port()}",
            f"--user-installation={profile}",
            f"--temp-dir={temp}",
        ]
        self.log_path = folder / "server.log"
        try:
            with self.log_path.open("ab") as server_log:
                self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own paths
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=server_log,
                    stderr=server_log,
                    start_new_session=True,
                )
        except OSError as error:
            raise OfficeError(f"LibreOffice could not start: {error}") from error
        try:
            self._wait_until_ready(deadline)
        except BaseException:
            self.kill()
            raise
        log.info("LibreOffice started (process group %s, port %s)", self.process.pid, self.port)

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_Transport(timeout), allow_none=True
        )

    def _wait_until_ready(self, deadline: float) -> None:
        while True:
            if self.process.poll() is not None:
                raise OfficeError(f"LibreOffice exited on start: {self._log_tail()}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                info = self._proxy(max(left, 0.01)).info()
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                time.sleep(min(0.25, max(left, 0)))
                continue
            if info.get("api") != API_VERSION:
                raise OfficeError(f"unoserver speaks API {info.get('api')}, not {API_VERSION}")
            return

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(lines[-3:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def answers(self) -> bool:
        """Still running and still reaching LibreOffice (a crash may leave the server up)."""
        try:
            return self.alive() and bool(self._proxy(10).info())
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False

    def convert(self, data: bytes, call: tuple, deadline: float) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            result = self._proxy(left).convert(None, xmlrpc.client.Binary(data), None, *call)
        except xmlrpc.client.Fault as fault:
            message = (fault.faultString.strip().splitlines() or [""])[-1]
            raise OfficeError(f"LibreOffice could not convert the file: {message}") from fault
        except TimeoutError:
            raise
        except (OSError, http.client.HTTPException, xmlrpc.client.Error) as error:
            raise OfficeError(f"LibreOffice stopped answering: {error}") from error
        if result is None:
            raise OfficeError("LibreOffice returned nothing")
        return result.data

    def kill(self) -> None:
        """Kill the server and its LibreOffice at once (a polite SIGTERM leaves LibreOffice's
        launcher behind), and remove its profile: the next instance starts clean."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_lock = threading.Lock()
_instance: _Instance | None = None


def convert(
    data: bytes,
    convert_to: str,
    *,
    timeout: float,
    work_dir: Path,
    filtername: str | None = None,
    filter_options: tuple[str, ...] = (),
    infiltername: str | None = None,
) -> bytes:
    """The file converted by this process's LibreOffice (started now if it is not running).

    `filter_options` are unoserver's: "Name=value" for the export filter's data, a bare value for
    its options string. Start and conversion together must finish within `timeout` seconds, or
    the instance is killed and OfficeError says it ran out of time."""
    global _instance
    call = (convert_to, filtername, list(filter_options), False, infiltername, None)
    with _lock:
        deadline = time.monotonic() + timeout
        try:
            if _instance is not None and not _instance.alive():
                log.warning("LibreOffice had died; starting it again")
                stop()
            if _instance is None:
                _instance = _Instance(work_dir / f"office-{os.getpid()}", deadline)
            return _instance.convert(data, call, deadline)
        except TimeoutError as error:
            stop()
            raise OfficeError(f"LibreOffice ran out of time ({timeout:g} s)") from error
        except OfficeError:
            if _instance is not None and not _instance.answers():
                stop()
            raise


def running_pid() -> int | None:
    """The process group of this process's LibreOffice, if it runs."""
    return _instance.process.pid if _instance is not None and _instance.alive() else None


def stop() -> None:
    """Kill this process's LibreOffice and remove its profile, if it runs."""
    global _instance
    instance, _instance = _instance, None
    if instance is not None:
        instance.kill()


def _forget_after_fork() -> None:
    """A child process starts its own instance; the parent's stays the parent's."""
    global _instance, _lock
    _instance, _lock = None, threading.Lock()


atexit.register(stop)
os.register_at_fork(after_in_child=_forget_after_fork)
