#!/usr/bin/env python3
"""Setup helpers for run-device.sh, standard library only (the device has no xz, maybe no dpkg):

  device_setup.py unpack SRC DST          decompress SRC (.xz or .gz) to DST, executable
  device_setup.py deb DEB DIR             extract a .deb's files under DIR (what dpkg -x does)
  device_setup.py record FILE KEY=VALUE...  merge string fields into the JSON object in FILE
"""
import gzip
import io
import json
import lzma
import os
import shutil
import sys
import tarfile


def unpack(src, dst):
    opener = lzma.open if src.endswith(".xz") else gzip.open if src.endswith(".gz") else None
    if opener is None:
        sys.exit(f"{src}: expected a .xz or .gz file")
    tmp = f"{dst}.{os.getpid()}.tmp"
    with opener(src, "rb") as f, open(tmp, "wb") as out:
        shutil.copyfileobj(f, out, 1 << 20)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dst)


def deb(path, dest):
    """A .deb is an ar archive; its data.tar.* member holds the files."""
    with open(path, "rb") as f:
        if f.read(8) != b"!<arch>\n":
            sys.exit(f"{path}: not a .deb (ar) archive")
        while True:
            header = f.read(60)
            if len(header) < 60:
                sys.exit(f"{path}: no data.tar member")
            name = header[:16].decode().strip().rstrip("/")
            size = int(header[48:58].decode().strip())
            body = f.read(size)
            if size % 2:
                f.read(1)
            if name.startswith("data.tar"):
                mode = "r:xz" if name.endswith(".xz") else "r:gz" if name.endswith(".gz") else "r:" if name == "data.tar" else None
                if mode is None:  # data.tar.zst needs a module the standard library lacks
                    sys.exit(f"{path}: {name} is compressed in a format Python cannot read")
                with tarfile.open(fileobj=io.BytesIO(body), mode=mode) as tar:
                    members = [m for m in tar.getmembers() if not os.path.isabs(m.name) and ".." not in m.name.split("/")]
                    # "tar" filter where Python has it: no paths outside dest, symlinks kept (libvulkan.so.1 is one).
                    extra = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
                    tar.extractall(dest, members=members, **extra)
                return


def record(path, pairs):
    data = {}
    if os.path.exists(path):
        with open(path) as f:
            data = json.load(f)
    for pair in pairs:
        key, _, value = pair.partition("=")
        data[key] = value
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("unpack", "deb", "record"):
        sys.exit(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "unpack":
        unpack(*args)
    elif command == "deb":
        deb(*args)
    else:
        record(args[0], args[1:])
