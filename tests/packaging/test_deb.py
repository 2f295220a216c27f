"""The .deb made from the bundle: its contents and control file, lintian, the system libraries it
depends on, and install → run → remove in a throwaway root leaving nothing behind (never on this
machine itself). Needs packaging/build.sh first; run with ``-m packaging``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefing_builder import __version__

from .conftest import APP_ID, Bundle, clean_run, need_tool

pytestmark = pytest.mark.packaging
PKG = "briefing-builder"


def _dpkg_deb(*args: str | Path) -> str:
    proc = subprocess.run(
        ["dpkg-deb", *map(str, args)], capture_output=True, text=True, timeout=300, check=True
    )
    return proc.stdout


def _control(deb: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in _dpkg_deb("--field", deb).splitlines():
        if line and not line.startswith(" "):
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def test_control_version_is_the_app_version(deb: Path) -> None:
    control = _control(deb)
    assert control["Package"] == PKG
    assert control["Version"] == __version__
    assert deb.name == f"{PKG}_{__version__}_{control['Architecture']}.deb"


def test_contents(deb: Path) -> None:
    listing = _dpkg_deb("--contents", deb).splitlines()
    paths = {line.split()[5].removeprefix(".") for line in listing}
    owners = {line.split()[1] for line in listing}
    assert owners == {"root/root"}
    for path in (
        f"/opt/{PKG}/{PKG}",
        f"/opt/{PKG}/{PKG}-gui",
        f"/usr/share/applications/{APP_ID}.desktop",
        f"/usr/share/metainfo/{APP_ID}.metainfo.xml",
        f"/usr/share/mime/packages/{APP_ID}.xml",
        f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"/usr/share/doc/{PKG}/copyright",
        f"/usr/share/doc/{PKG}/changelog.gz",
    ):
        assert path in paths, path
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in paths
    link = next(line for line in listing if line.split()[5] == f"./usr/bin/{PKG}")
    assert link.startswith("l") and link.endswith(f"-> /opt/{PKG}/{PKG}")
    # Nothing outside /opt/briefing-builder and /usr/{bin,share}.
    assert all(re.match(r"^/(opt|usr/bin|usr/share)(/|$)|^/$|^/usr/$", p) for p in paths)
    # No maintainer scripts: the desktop's dpkg triggers refresh the caches.
    control_files = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, timeout=60, check=True
    ).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(control_files)) as tar:
        names = {Path(n).name for n in tar.getnames()}
    assert names & {"preinst", "postinst", "prerm", "postrm"} == set()


def test_lintian_finds_no_errors(deb: Path) -> None:
    lintian = need_tool("lintian", "lintian")
    proc = subprocess.run(
        [lintian, "--no-tag-display-limit", str(deb)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    errors = [line for line in proc.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], "\n".join(errors)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_depends_covers_every_system_library_the_bundle_needs(deb: Path, bundle: Bundle) -> None:
    """Each library the bundle links to and does not carry belongs to a package in Depends."""
    objdump = need_tool("objdump", "binutils")
    needed: set[str] = set()
    carried: set[str] = set()
    for path in bundle.folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if ".so" in path.name:
            carried.add(path.name)
        if ".so" in path.name or path.parent == bundle.folder:
            out = subprocess.run(
                [objdump, "-p", str(path)], capture_output=True, text=True, timeout=60
            ).stdout
            needed.update(re.findall(r"^\s+NEEDED\s+(\S+)", out, re.M))
    carried.update(p.name for p in bundle.folder.rglob("*.so*") if p.is_symlink())
    from_system = sorted(needed - carried)
    depends = {
        re.sub(r"\s*\(.*\)", "", alt).strip()
        for dep in _control(deb)["Depends"].split(",")
        for alt in dep.split("|")
    }
    unowned = []
    for lib in from_system:
        owner = subprocess.run(
            ["dpkg", "-S", f"*/{lib}"], capture_output=True, text=True, timeout=60
        ).stdout
        packages = {line.split(":")[0] for line in owner.splitlines() if line}
        if not packages:
            unowned.append(lib)
        elif not packages & depends:
            pytest.fail(f"{lib} (from {', '.join(sorted(packages))}) is not in Depends: {depends}")
    assert unowned == [], f"not installed here, so not checked: {unowned}"


def _tree(root: Path) -> set[str]:
    skip = ("var/lib/dpkg", "var/log")
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if not str(p.relative_to(root)).startswith(skip)
    }


def test_install_run_remove_in_a_throwaway_root(deb: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("dpkg --root needs root to set the files' owners")
    dpkg = need_tool("dpkg", "dpkg")
    root = tmp_path / "root"
    for folder in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log"):
        (root / folder).mkdir(parents=True)
    (root / "var/lib/dpkg/status").touch()
    before = _tree(root)

    def run(*args: str) -> None:
        proc = subprocess.run(
            [dpkg, f"--root={root}", "--force-depends", *args],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr

    run("--install", str(deb))
    installed = _tree(root)
    assert f"opt/{PKG}/{PKG}" in installed and f"usr/bin/{PKG}" in installed
    target = os.readlink(root / "usr" / "bin" / PKG)
    assert target == f"/opt/{PKG}/{PKG}"

    # Run the installed copy (through its /usr/bin link, resolved inside the throwaway root).
    exe = root / target.lstrip("/")
    proc = clean_run([exe, "--version"], tmp_path / "home", tmp_path / "cwd")
    assert proc.stdout.strip() == f"{PKG} {__version__}", proc.stderr
    proc = clean_run([exe, "check"], tmp_path / "home", tmp_path / "cwd")
    assert proc.returncode == 0 and "(0 errors, 1 warning)" in proc.stdout, (
        proc.stdout + proc.stderr
    )
    # Running it wrote nothing into the installed tree (no caches, no compiled files).
    assert _tree(root) == installed

    run("--purge", PKG)
    assert _tree(root) == before
    shutil.rmtree(root)
