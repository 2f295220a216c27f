#!/usr/bin/env bash
# Package the frozen app folder as a .deb:  build-deb.sh BUNDLE_DIR VERSION OUT_DIR
# (packaging/build.sh calls it). Needs dpkg-deb only; no root, no fakeroot (--root-owner-group).
#
#   /opt/briefing-builder/                  the PyInstaller folder, as built
#   /usr/bin/briefing-builder               -> /opt/briefing-builder/briefing-builder
#   /usr/share/applications/, metainfo/, icons/hicolor/, mime/packages/: desktop integration
#   /usr/share/doc/briefing-builder/        copyright, changelog
#
# No maintainer scripts: the desktop, icon and MIME caches are refreshed by the dpkg triggers of
# desktop-file-utils, hicolor-icon-theme and shared-mime-info, so removing the package leaves
# nothing behind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bundle=$(cd "$1" && pwd)
version=$2
out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)

PKG=briefing-builder
APP_ID=org.briefingbuilder.BriefingBuilder
ARCH=$(dpkg --print-architecture)
MAINTAINER="Briefing Builder developers <briefing-builder@example.org>"
# The system libraries the bundle links to and does not carry (packaging/README.md says how to
# list them; tests/packaging/test_deb.py checks this list against the bundle).
DEPENDS="libc6 (>= 2.36), libegl1, libgl1, libxcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1, fontconfig-config"
RECOMMENDS="fonts-dejavu-core"

work="$repo/build/deb"
root="$work/$PKG"
rm -rf "$work"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/doc/$PKG" \
    "$root/usr/share/applications" "$root/usr/share/metainfo" "$root/usr/share/mime/packages" \
    "$root/usr/share/lintian/overrides"

cp -a "$bundle" "$root/opt/$PKG"
ln -s "/opt/$PKG/$PKG" "$root/usr/bin/$PKG"
install -m 644 "$here/$APP_ID.desktop" "$root/usr/share/applications/"
install -m 644 "$here/$APP_ID.metainfo.xml" "$root/usr/share/metainfo/"
install -m 644 "$here/$APP_ID.xml" "$root/usr/share/mime/packages/"
for png in "$here"/icons/*/"$APP_ID.png"; do
    size=$(basename "$(dirname "$png")")
    install -D -m 644 "$png" "$root/usr/share/icons/hicolor/$size/apps/$APP_ID.png"
done
install -D -m 644 "$repo/resources/icons/briefing-builder.svg" \
    "$root/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
install -m 644 "$here/copyright" "$root/usr/share/doc/$PKG/copyright"
install -m 644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/$PKG"

# A Debian changelog (changelog.gz: a native package), dated by the last commit so that the same sources give the same package.
when=$(git -C "$repo" log -1 --format=%cD 2>/dev/null || date -R)
cat >"$work/changelog" <<EOF
$PKG ($version) stable; urgency=medium

  * Briefing Builder $version: see the release notes in
    /usr/share/metainfo/$APP_ID.metainfo.xml.

 -- $MAINTAINER  $when
EOF
gzip -9n <"$work/changelog" >"$root/usr/share/doc/$PKG/changelog.gz"
chmod 644 "$root/usr/share/doc/$PKG/changelog.gz"

# Ordinary permissions: folders and programs 755, everything else (shared libraries too) 644.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/opt/$PKG/$PKG" "$root/opt/$PKG/$PKG-gui"

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: $PKG
Version: $version
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kb
Depends: $DEPENDS
Recommends: $RECOMMENDS
Section: misc
Priority: optional
Description: turn curated research evidence into referenced briefings
 Briefing Builder helps a policy officer turn research evidence into a
 briefing: open a curated library of findings (word-for-word quotes and key
 findings from research reports, tagged with themes and sources), filter
 them, check each in its source's context, build an outline and export it as
 a referenced Word document or PDF. Works fully offline.
 .
 This package ships a self-contained build (Python, Qt and the other
 libraries it uses) under /opt/briefing-builder.
EOF
chmod 644 "$root/DEBIAN/control"

deb="$out/${PKG}_${version}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "   $(basename "$deb"): $(($(stat -c %s "$deb") / 1000000)) MB (installed ${installed_kb} kB)"
