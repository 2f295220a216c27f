"""The one safe reader: ordinary files only, bounded, never blocking, plain messages."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from briefing_builder.core.files import UnreadableFile, read_regular_file
from briefing_builder.core.model import Library, Problem


def test_reads_an_ordinary_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x: 1\n")
    assert read_regular_file(path) == b"x: 1\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[UnreadableFile] = []

    def read() -> None:
        try:
            read_regular_file(fifo)
        except UnreadableFile as exc:
            result.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "named pipe" in result[0].message


def test_a_socket_and_a_device_are_refused(tmp_path):
    sock_path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(UnreadableFile, match="socket"):
            read_regular_file(sock_path)
    with pytest.raises(UnreadableFile, match="device"):
        read_regular_file("/dev/zero")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p, "not found"),
        (lambda p: (p.mkdir(), p)[1], "folder"),
        (lambda p: (p.symlink_to(p), p)[1], "link loop"),
        (lambda p: p.with_name("a\0b"), "NUL"),
        (lambda p: p.with_name("x" * 5000), "too long"),
    ],
)
def test_odd_paths_are_plain_messages(tmp_path, make, expected):
    with pytest.raises(UnreadableFile, match=expected):
        read_regular_file(make(tmp_path / "f.yaml"))


def test_size_is_bounded_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(UnreadableFile, match="too large"):
        read_regular_file(path, max_bytes=1024)


def test_warnings_do_not_make_a_library_fail(tmp_path):
    lib = Library(root=tmp_path, problems=[Problem("f.yaml", 3, "quote it", warning=True)])
    assert lib.ok and not lib.errors
    assert str(lib.problems[0]) == "f.yaml:3: warning: quote it"
    lib.problems.append(Problem("f.yaml", 4, "broken"))
    assert not lib.ok and len(lib.errors) == 1
