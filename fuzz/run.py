"""``make fuzz``: coverage-guided fuzzing of every parser, one target at a time.

    python fuzz/run.py                      # every target, FUZZ_SECONDS (default 60) each
    python fuzz/run.py camt ehf_read -s 300 # some targets, 5 minutes each
    python fuzz/run.py --list               # the targets (tests/fuzz/targets.py)

With atheris installed (the ``fuzz`` extra) each target runs in its own process under libFuzzer,
instrumented over the ``fakturaflyt`` package, seeded from the real files in ``../shared/corpus``
(copied into ``fuzz/.corpus/<target>/`` at run time: no symlinks) and the saved regressions.
A crash, an exception outside the target's contract or an input slower than ``FUZZ_HANG_SECONDS``
is written to ``fuzz/crashes/<target>/crash-<sha1>`` (libFuzzer's name) and the run goes on with
the next target. Without atheris (it builds only against some CPython versions) the same
targets run as the hypothesis tests under the ``fuzz`` profile instead, saving failing inputs to
the same folder. Either way: ``python fuzz/run.py --promote`` copies every crash into
``tests/fuzz/regressions/<target>/<sha256[:16]>.bin`` (``--promote zip`` for one target), which ``tests/fuzz/test_regressions.py``
replays in CI (see docs/fuzzing.md). Exit code 1 when a crash was found.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "fuzz"
CRASHES = HERE / "crashes"
WORK = HERE / ".corpus"
sys.path.insert(0, str(ROOT))


def _atheris_available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def _targets() -> dict[str, object]:
    from tests.fuzz.targets import TARGETS

    return dict(TARGETS)


def _seed_dir(name: str) -> Path:
    """A fresh libFuzzer corpus folder for ``name``: the seeds and the saved regressions, as plain files."""
    from tests.fuzz.targets import REGRESSIONS, TARGETS

    folder = WORK / name
    folder.mkdir(parents=True, exist_ok=True)
    seeds = list(TARGETS[name].seed_inputs())
    seeds += [p.read_bytes() for p in sorted((REGRESSIONS / name).glob("*.bin"))]
    for seed in seeds:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)  # noqa: S324 - a file name, not security
    return folder


def _run_atheris(name: str, seconds: int) -> bool:
    """One target under libFuzzer in a child process; True when it found a crash."""
    crashes = CRASHES / name
    crashes.mkdir(parents=True, exist_ok=True)
    before = set(crashes.iterdir())
    corpus = _seed_dir(name)
    hang = int(float(os.environ.get("FUZZ_HANG_SECONDS", "10")))
    print(f"== {name}: atheris for {seconds} s (seeds {len(list(corpus.iterdir()))})", flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "fakturaflyt.settings"}
    deadline = time.monotonic() + seconds
    # libFuzzer stops at the first crash; start it again (the corpus folder keeps what it learnt) until the time is up
    for _ in range(20):
        left = round(deadline - time.monotonic())
        if left < 1:
            break
        seen = set(crashes.iterdir())
        args = [
            sys.executable,
            str(HERE / "harness.py"),
            name,
            str(corpus),
            f"-max_total_time={left}",
            f"-timeout={hang}",
            f"-rss_limit_mb={os.environ.get('FUZZ_RSS_MB', '2048')}",
            f"-max_len={os.environ.get('FUZZ_MAX_LEN', '262144')}",
            f"-artifact_prefix={crashes}/",
            "-print_final_stats=1",
        ]
        subprocess.run(args, cwd=ROOT, env=env, check=False)  # noqa: S603 - our own harness, fixed arguments
        if set(crashes.iterdir()) == seen:
            break
    found = sorted(set(crashes.iterdir()) - before)
    for path in found:
        print(f"   crash: {path.relative_to(ROOT)}", flush=True)
    return bool(found)


def _run_hypothesis(names: list[str], seconds: int) -> bool:
    """The fallback: the hypothesis tests of these targets under the ``fuzz`` profile."""
    examples = os.environ.get("FUZZ_EXAMPLES") or str(max(200, seconds * 20))
    print(
        "atheris is not installed (pip install atheris; it needs a CPython it has wheels or a clang for): "
        f"running the hypothesis fuzz profile instead, {examples} examples per target",
        flush=True,
    )
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "fuzz",
        "FUZZ_EXAMPLES": examples,
        "FUZZ_CRASH_DIR": str(CRASHES),
    }
    from tests.fuzz.targets import TARGETS

    test = "tests/fuzz/test_targets.py::test_{}_keeps_contract[{}]"
    ids = [test.format("app_reader" if TARGETS[n].django else "core_parser", n) for n in names]
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", *ids]
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode != 0  # noqa: S603 - pytest, fixed arguments


def promote(names: list[str]) -> int:
    """Copy the crashes (of ``names``, default all) into tests/fuzz/regressions/<target>/ under their content hash."""
    from tests.fuzz.targets import REGRESSIONS

    added = 0
    for folder in sorted(CRASHES.glob("*")):
        if not folder.is_dir() or (names and folder.name not in names):
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            data = path.read_bytes()
            out = REGRESSIONS / folder.name / f"{hashlib.sha256(data).hexdigest()[:16]}.bin"
            if out.exists():
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            added += 1
            print(f"added {out.relative_to(ROOT)} (from {path.relative_to(ROOT)})")
    print(f"{added} new regression input(s); run: .venv/bin/python -m pytest -q tests/fuzz/test_regressions.py")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("-s", "--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "60")))
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    parser.add_argument("--promote", action="store_true", help="turn fuzz/crashes/* into regression files")
    parser.add_argument("--hypothesis", action="store_true", help="use hypothesis even when atheris is installed")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
    targets = _targets()
    if args.list:
        for name, target in targets.items():
            print(f"{name:20} {target.kind:7} {target.run.__doc__ or target.run.__name__}".splitlines()[0])  # type: ignore[attr-defined]
        return 0
    if args.promote:
        return promote(args.targets)
    names = args.targets or list(targets)
    unknown = [n for n in names if n not in targets]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; see --list")
    start = time.monotonic()
    if args.hypothesis or not _atheris_available():
        crashed = _run_hypothesis(names, args.seconds)
    else:
        crashed = False
        for name in names:
            crashed |= _run_atheris(name, args.seconds)
    print(f"fuzzed {len(names)} target(s) in {time.monotonic() - start:.0f} s; crashes in {CRASHES.relative_to(ROOT)}/")
    if crashed:
        print("crashes found: fix them, then `python fuzz/run.py --promote` to keep each as a regression test")
    shutil.rmtree(WORK, ignore_errors=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
