"""The release and the GitHub Action, said the same way everywhere:

- the inputs of action.yml and the README's inputs table (names, order,
  non-empty defaults);
- the release targets of .github/workflows/release.yml, scripts/action.sh
  (what the Action downloads) and RELEASING.md's table;
- every `uses:` of action.yml and release.yml pinned to a commit SHA.

Run by .ci/run with a Python that has PyYAML (pre-commit's virtualenv).
"""

import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


action = yaml.safe_load((root / "action.yml").read_text())
readme = (root / "README.md").read_text()
table = readme.split("| Input | Default | Meaning |", 1)[1].split("\n\n", 1)[0]
rows = [
    [c.strip() for c in line.strip().strip("|").split("|")]
    for line in table.strip().splitlines()[1:]
]
readme_inputs = [(r[0].strip("`"), r[1]) for r in rows]
check(
    [n for n, _ in readme_inputs] == list(action["inputs"]),
    f"README inputs {[n for n, _ in readme_inputs]} != action.yml inputs {list(action['inputs'])}",
)
for name, default in readme_inputs:
    spec = action["inputs"].get(name, {})
    value = str(spec.get("default", ""))
    if value:
        check(default == f"`{value}`", f"README default of {name}: {default}, action.yml: {value}")
    else:
        check(not default.startswith("`") or "$" in default,
              f"README default of {name}: {default}, action.yml: empty")

workflow = yaml.safe_load((root / ".github/workflows/release.yml").read_text())
release_targets = sorted(i["target"] for i in workflow["jobs"]["build"]["strategy"]["matrix"]["include"])
script = (root / "scripts/action.sh").read_text()
action_targets = sorted(set(re.findall(r'echo "([a-z0-9_]+-[a-z0-9_-]+) (?:tar\.gz|zip)"', script)))
releasing = (root / "RELEASING.md").read_text()
doc_targets = sorted(re.findall(r"^\| `([a-z0-9_-]+)` \|", releasing, re.M))
check(release_targets == action_targets,
      f"release.yml builds {release_targets}, action.sh downloads {action_targets}")
check(release_targets == doc_targets, f"release.yml builds {release_targets}, RELEASING.md lists {doc_targets}")
for target in release_targets:
    ext = "zip" if "windows" in target else "tar.gz"
    check(f"instrlint-{target}.{ext}" in releasing, f"RELEASING.md does not name instrlint-{target}.{ext}")

for path in ["action.yml", ".github/workflows/release.yml"]:
    for line in (root / path).read_text().splitlines():
        m = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)", line)
        if m and not m.group(1).startswith("./"):
            check(re.search(r"@[0-9a-f]{40}$", m.group(1)) is not None,
                  f"{path}: {m.group(1)} is not pinned to a commit SHA")

if errors:
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    sys.exit(1)
print(f"release docs agree: {len(readme_inputs)} action inputs, targets {', '.join(release_targets)}")
