"""A school's template is foreign code: it is filled in a child process with limits on its CPU
time and memory (`resource.setrlimit`), and a wall-clock limit the parent enforces, so that no
template (a loop of 10**10 turns, a string of a gigabyte) can stall a server or fill its memory.

The children come from a fork server started once (`multiprocessing`'s "forkserver": a clean,
single-threaded process with the template libraries already imported), not from a fork of the
threaded web worker; each fill is a fresh child, so the limits are its own."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from multiprocessing.connection import Connection
from typing import Any

CPU_SECONDS = 5  # of processor time a fill may use
MEMORY_BYTES = 512 * 1024 * 1024  # a fill may grow by this much
WALL_SECONDS = 20  # the parent waits no longer (a fill blocked on nothing CPU-bound)
_PRELOAD = ["tracker.documents.custom.filling"]
_mp: Any = None


class TemplateStopped(Exception):
    """The template was stopped by a limit; the message says which, in Russian."""


def _context():
    global _mp
    if _mp is None:
        _mp = multiprocessing.get_context("forkserver")
        _mp.set_forkserver_preload(_PRELOAD)
    return _mp


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn: Connection, content: bytes, context: dict, strict: bool) -> None:
    """In the child: limit, fill, send back ("ok", bytes) or ("error", text)."""
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    ceiling = _address_space() + MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    from tracker.documents.custom.filling import _error_text, _fill
    from tracker.documents.custom.sandbox import environment

    try:
        result: tuple[str, Any] = ("ok", _fill(content, context, environment(strict=strict)))
    except MemoryError:
        result = ("memory", "")
    except Exception as error:  # the school's template: any failure is theirs
        result = ("error", _error_text(error))
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", ""))
    conn.close()


def fill_limited(content: bytes, context: dict, strict: bool) -> bytes:
    """The template filled in a limited child; TemplateStopped when a limit stopped it, and
    ValueError with the template's own error otherwise."""
    mp = _context()
    receiving, sending = mp.Pipe(duplex=False)
    process = mp.Process(target=_child, args=(sending, content, context, strict), daemon=True)
    process.start()
    sending.close()
    outcome: tuple[str, Any]
    try:
        if receiving.poll(WALL_SECONDS):
            outcome = receiving.recv()
        else:
            outcome = ("wall", "")
    except EOFError:  # the child died without a word: killed by a limit
        outcome = ("died", "")
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    kind, value = outcome
    if kind == "ok" and isinstance(value, bytes):
        return value
    if kind == "error":
        raise ValueError(value)
    if kind == "memory":
        raise TemplateStopped(
            f"шаблону не хватило памяти (предел {MEMORY_BYTES // (1024 * 1024)} МБ): "
            "вероятно, в нём слишком длинная строка или список"
        )
    if kind == "wall":
        raise TemplateStopped(
            f"шаблон заполнялся дольше {WALL_SECONDS} с и остановлен: вероятно, в нём слишком "
            "большой или бесконечный цикл"
        )
    if process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise TemplateStopped(
            f"шаблон работал дольше {CPU_SECONDS} с и остановлен: вероятно, в нём слишком "
            "большой или бесконечный цикл"
        )
    raise TemplateStopped(f"заполнение шаблона прервано (код {process.exitcode})")
