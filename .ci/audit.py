"""pip-audit on both lock files (make lint, make audit).

Exit 1 when a pinned version has a known vulnerability. When the vulnerability data cannot be
reached (this machine reaches PyPI's package index but not its JSON API nor OSV), pip-audit skips
every package and says "No known vulnerabilities found": this script says instead, plainly, how
many packages were really audited, and does not count a skipped package as a clean one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOCKS = ("requirements/app.lock", "requirements/rasa.lock")


def audit(lock: str) -> tuple[int, int, list[str]]:
    """(audited, skipped, findings) for one lock file."""
    run = subprocess.run([str(Path(sys.executable).parent / "pip-audit"), "-r", lock, "--no-deps", "--disable-pip",
                          "--progress-spinner", "off", "--format", "json"], capture_output=True, text=True)
    try:
        deps = json.loads(run.stdout or "{}").get("dependencies", [])
    except ValueError:
        print(run.stderr.strip()[-2000:], file=sys.stderr)
        return 0, 0, [f"{lock}: pip-audit failed (exit {run.returncode})"]
    skipped = sum(1 for d in deps if d.get("skip_reason"))
    findings = [f"{lock}: {d['name']} {d['version']} {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['?'])})"
                for d in deps for v in d.get("vulns", [])]
    return len(deps) - skipped, skipped, findings


def main() -> int:
    found: list[str] = []
    for lock in LOCKS:
        audited, skipped, findings = audit(lock)
        found += findings
        print(f"pip-audit {lock}: {audited} audited, {skipped} skipped, {len(findings)} known vulnerabilities")
        if audited == 0 and skipped:
            print("  not audited: the vulnerability data (PyPI JSON API, OSV) cannot be reached from here")
    for line in found:
        print("  " + line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
